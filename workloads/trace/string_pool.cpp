#include "workloads/trace/string_pool.hpp"

namespace allocsim::workloads::trace {

StrId StringPool::intern(std::string_view s) {
  if (s.empty()) return 0;
  if (auto it = index_.find(s); it != index_.end()) return it->second;
  const auto id = static_cast<StrId>(strings_.size());
  const std::string& stored = strings_.emplace_back(s);
  index_.emplace(std::string_view(stored), id);
  return id;
}

}  // namespace allocsim::workloads::trace
