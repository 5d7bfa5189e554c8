#pragma once
// Each statistic declared once: its name, unit, a one-line meaning and where
// its value comes from (the Linux counter or function it mirrors, the model
// code that counts it, or the formula of a derived value). A struct of
// counters lists its fields with their declarations next to the struct, so
// sums, results tables and printing iterate that list instead of naming
// fields; the counters a StatsRegistry holds are registered from theirs.
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace allocsim::sim {

struct Counter;

struct StatDecl {
  std::string_view name;
  std::string_view unit;  // as in the results files: "1", "cycles", "pages", "bytes", ...
  std::string_view meaning;
  std::string_view source;
};

// A std::uint64_t field of a struct of counters.
template <class T>
struct FieldDecl {
  StatDecl stat;
  std::uint64_t T::*member;
};

// `to += from`, field by field over the declaration list (the struct's operator+=).
template <class T, std::size_t N>
constexpr T& add_fields(T& to, const T& from, const std::array<FieldDecl<T>, N>& fields) {
  for (const FieldDecl<T>& f : fields) to.*f.member += from.*f.member;
  return to;
}

// True when `fields` declares every member of T, T being a struct of only
// std::uint64_t counters: as many fields as T has room for, none twice. For
// a static_assert next to the declaration list.
template <class T, std::size_t N>
consteval bool declares_every_field(const std::array<FieldDecl<T>, N>& fields) {
  if (sizeof(T) != N * sizeof(std::uint64_t)) return false;
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = i + 1; j < N; ++j)
      if (fields[i].member == fields[j].member || fields[i].stat.name == fields[j].stat.name)
        return false;
  return true;
}

// The declaration of a field, found by its member pointer.
template <class T, std::size_t N>
constexpr const StatDecl& decl_of(const std::array<FieldDecl<T>, N>& fields,
                                  std::uint64_t T::*member) {
  for (const FieldDecl<T>& f : fields)
    if (f.member == member) return f.stat;
  throw std::logic_error("field not declared");  // a compile error in a constant expression
}

// What a StatsRegistry holds per name and scope.
enum class StatKind { counter, histogram, latency };
// What a statistic's scope index counts: nothing (kGlobal), a CPU or a node.
enum class StatScope { global, cpu, node };

// A statistic of a StatsRegistry. A name may hold one placeholder in angle
// brackets (`lock.<class>.wait_cycles`): a family, with one statistic per
// value of the placeholder that some component registers.
struct RegistryDecl {
  StatDecl stat;
  StatScope scope;
  StatKind kind = StatKind::counter;
};

// A Counter* field of a struct that holds a component's registry counters.
template <class T>
struct CounterField {
  RegistryDecl decl;
  Counter* T::*member;
};

// The declaration of a counter field, found by its member pointer.
template <class T, std::size_t N>
constexpr const RegistryDecl& decl_of(const std::array<CounterField<T>, N>& fields,
                                      Counter* T::*member) {
  for (const CounterField<T>& f : fields)
    if (f.member == member) return f.decl;
  throw std::logic_error("counter not declared");  // a compile error in a constant expression
}

// `pattern` with its placeholder replaced by `value` (`pattern` itself when it has none).
std::string instance_name(std::string_view pattern, std::string_view value);
// Whether `name` is `pattern`, or a member of the family `pattern` (a
// non-empty value in place of the placeholder). Sets `*value` to that value.
bool matches(std::string_view pattern, std::string_view name, std::string_view* value = nullptr);

}  // namespace allocsim::sim
