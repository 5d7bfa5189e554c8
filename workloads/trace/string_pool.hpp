#pragma once
// Interned strings of one trace (comm, %pS call sites, gfp_flags text, cache
// names): each distinct string is stored once; events hold a 32-bit id.
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "workloads/trace/event.hpp"

namespace allocsim::workloads::trace {

class StringPool {
 public:
  StringPool() { strings_.emplace_back(); }
  StringPool(const StringPool&) = delete;  // index_ holds views into strings_
  StringPool& operator=(const StringPool&) = delete;
  StringPool(StringPool&&) = default;
  StringPool& operator=(StringPool&&) = default;

  // The id of `s`, adding it on first sight. The empty string is id 0.
  StrId intern(std::string_view s);
  std::string_view view(StrId id) const { return strings_[id]; }
  std::size_t size() const { return strings_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::deque<std::string> strings_;  // a deque never moves its elements
  std::unordered_map<std::string_view, StrId, Hash, std::equal_to<>> index_;
};

}  // namespace allocsim::workloads::trace
