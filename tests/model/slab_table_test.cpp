// The slab table SLAB and SLUB share: id reuse, stable records, page-owner
// ids, the list_head writes of list_add/list_del, and object lookup.
#include "model/slab_table.hpp"

#include <gtest/gtest.h>

#include "sim/access_recorder.hpp"
#include "sim/machine.hpp"

#include "../common/line_access_print.hpp"
#include "model_machines.hpp"

namespace allocsim::model {
namespace {

struct TestSlab {
  std::uint32_t prev = kNoSlabIndex, next = kNoSlabIndex;
  sim::PhysAddr desc{};  // where its list_head is
  int payload = 0;
};
struct TestLinks {
  sim::PhysAddr operator()(const TestSlab& s) const { return s.desc; }
};
using Table = SlabTable<TestSlab, TestLinks, 3>;

TEST(SlabTable, ReusesTheLastReleasedIdAndKeepsRecordsInPlace) {
  Table t(TestLinks{});
  EXPECT_EQ(t.take(), 0u);
  EXPECT_EQ(t.take(), 1u);
  EXPECT_EQ(t.take(), 2u);
  t[0].payload = 7;
  const TestSlab* first = &t[0];
  t.release(1);
  t.release(0);
  EXPECT_EQ(t.take(), 0u);     // LIFO
  EXPECT_EQ(t[0].payload, 7);  // a reused record keeps its contents for the caller to set
  EXPECT_EQ(t.take(), 1u);
  for (int i = 0; i < 10000; ++i) t.take();
  EXPECT_EQ(t.size(), 10003u);
  EXPECT_EQ(&t[0], first);  // references survive growth (another CPU adding slabs)
}

TEST(SlabTable, MapsPageOwnersToIds) {
  Table t(TestLinks{});
  EXPECT_EQ(t.owner(0), 3u);
  EXPECT_EQ(t.owner(5), 8u);
  EXPECT_EQ(t.id_of_owner(8), 5u);
  EXPECT_EQ(t.id_of_owner(3), 0u);
  EXPECT_EQ(t.id_of_owner(2), kNoSlabIndex);  // metadata pages
  EXPECT_EQ(t.id_of_owner(0), kNoSlabIndex);  // not the allocator's
}

TEST(SlabTable, ListMovesWriteTheLinksTheKernelWrites) {
  sim::Machine m(testing::small_machine(1, 16), 1);
  sim::AccessRecorder rec(m.config().line_bytes);
  m.cpu(0).set_recorder(&rec);
  const Charge ch{&m.cpu(0)};
  Table t(TestLinks{});
  constexpr sim::PhysAddr kHead{0x40000};
  // Slab 2's list_head straddles a line, so its prev pointer (+8) shows.
  const sim::PhysAddr desc[] = {sim::PhysAddr(0x10000), sim::PhysAddr(0x20000),
                                sim::PhysAddr(0x30038)};
  for (std::uint32_t i = 0; i < 3; ++i) t[t.take()].desc = desc[i];
  SlabIndexList l;
  for (std::uint32_t i = 0; i < 3; ++i) t.list_add(ch, l, kHead, i, /*tail=*/true);
  EXPECT_EQ(l.head, 0u);
  EXPECT_EQ(l.tail, 2u);
  t.list_del(ch, l, kHead, 1);  // middle: prev's next, next's prev
  t.list_del(ch, l, kHead, 0);  // first: the head's next, next's prev
  t.list_del(ch, l, kHead, 2);  // last and only: the head
  t.list_add(ch, l, kHead, 1, /*tail=*/false);
  EXPECT_EQ(l.count, 1u);
  constexpr auto W = sim::AccessKind::write;
  using A = sim::LineAccess;
  EXPECT_EQ(rec.accesses(),
            (std::vector<A>{
                // list_add_tail x 3: the slab's list_head, the list head
                A{sim::PhysAddr(0x10000), W, 16}, A{kHead, W, 16}, A{sim::PhysAddr(0x20000), W, 16},
                A{kHead, W, 16}, A{sim::PhysAddr(0x30000), W, 8}, A{sim::PhysAddr(0x30040), W, 8},
                A{kHead, W, 16},
                // list_del(1): its links, 0's next, 2's prev (+8)
                A{sim::PhysAddr(0x20000), W, 16}, A{sim::PhysAddr(0x10000), W, 8},
                A{sim::PhysAddr(0x30040), W, 8},
                // list_del(0): its links, the head's next, 2's prev
                A{sim::PhysAddr(0x10000), W, 16}, A{kHead, W, 8}, A{sim::PhysAddr(0x30040), W, 8},
                // list_del(2): its links, the head's next; no successor
                A{sim::PhysAddr(0x30000), W, 8}, A{sim::PhysAddr(0x30040), W, 8}, A{kHead, W, 8},
                // list_add(1)
                A{sim::PhysAddr(0x20000), W, 16}, A{kHead, W, 16}}));
}

TEST(SlabTable, FindsTheObjectStartingAtAnAddress) {
  const sim::PhysAddr first{0x1000 + 32};  // a colour or s_mem offset
  EXPECT_EQ(slab_object_index(first, 64, 4, first), 0u);
  EXPECT_EQ(slab_object_index(first, 64, 4, first + 3 * 64), 3u);
  EXPECT_EQ(slab_object_index(first, 64, 4, first + 4 * 64), kNoSlabIndex);  // past the last
  EXPECT_EQ(slab_object_index(first, 64, 4, first + 63), kNoSlabIndex);      // inside one
  EXPECT_EQ(slab_object_index(first, 64, 4, sim::PhysAddr(0x1000)),
            kNoSlabIndex);  // in the colour area
}

}  // namespace
}  // namespace allocsim::model
