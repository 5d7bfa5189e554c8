// The counter structs' declaration lists: complete (the static_asserts next to
// the structs rely on declares_every_field, checked here on structs it must
// reject), and operator+= adds every declared field.
#include <gtest/gtest.h>

#include <set>
#include <string_view>

#include "model/object_allocator.hpp"
#include "model/page_alloc.hpp"
#include "model/zone.hpp"

namespace allocsim::model {
namespace {

struct Two {
  std::uint64_t a = 0, b = 0;
};
constexpr std::array<sim::FieldDecl<Two>, 1> kOnlyA{{{{"a", "1", "a", "test"}, &Two::a}}};
constexpr std::array<sim::FieldDecl<Two>, 2> kATwice{
    {{{"a", "1", "a", "test"}, &Two::a}, {{"b", "1", "b", "test"}, &Two::a}}};
constexpr std::array<sim::FieldDecl<Two>, 2> kBoth{
    {{{"a", "1", "a", "test"}, &Two::a}, {{"b", "1", "b", "test"}, &Two::b}}};
static_assert(!sim::declares_every_field(kOnlyA), "a missing field must be caught");
static_assert(!sim::declares_every_field(kATwice), "a field declared twice must be caught");
static_assert(sim::declares_every_field(kBoth));

// Distinct values in every field of a and b: a += b must give each field its own sum.
template <class T>
void expect_operator_plus_adds_every_field() {
  T a{}, b{};
  std::uint64_t i = 1;
  for (const auto& f : T::kFields) {
    a.*f.member = i;
    b.*f.member = 1000 * i;
    ++i;
  }
  a += b;
  i = 1;
  for (const auto& f : T::kFields) {
    EXPECT_EQ(a.*f.member, 1001 * i) << f.stat.name;
    ++i;
  }
}

TEST(StatFields, ZoneCountersSumEveryField) {
  expect_operator_plus_adds_every_field<ZoneCounters>();
}

TEST(StatFields, KmemCacheStatsSumEveryField) {
  expect_operator_plus_adds_every_field<KmemCacheStats>();
}

template <class T, std::size_t N>
void expect_declared(const std::array<sim::FieldDecl<T>, N>& fields) {
  std::set<std::string_view> names;
  for (const auto& f : fields) {
    EXPECT_TRUE(names.insert(f.stat.name).second) << f.stat.name << " declared twice";
    EXPECT_FALSE(f.stat.unit.empty()) << f.stat.name;
    EXPECT_FALSE(f.stat.meaning.empty()) << f.stat.name;
    EXPECT_FALSE(f.stat.source.empty()) << f.stat.name;
  }
}

TEST(StatFields, EveryFieldHasAUnitAMeaningAndASource) {
  expect_declared(ZoneCounters::kFields);
  expect_declared(VmEvents::kFields);
  expect_declared(KmemCacheStats::kFields);
}

}  // namespace
}  // namespace allocsim::model
