#pragma once
// Distinct types for a page frame number, a physical and a kernel virtual
// address. Linux keeps all three in unsigned longs and converts only through
// named functions (PFN_PHYS, PHYS_PFN, __pa, __va, page_address, virt_to_page,
// pfn_to_page); here each is its own type, as ChampSim's champsim::address,
// so passing one where another is meant does not compile. Construction from an
// integer is explicit, .value() gives it back; there is no conversion between
// the three except through those named functions: PageAllocator::pfn_to_phys
// and phys_to_pfn, Highmem::pa, va, page_address and virt_to_page,
// PageApi::pfn_to_page (docs/architecture.md, "Address types"). The hardware
// model reads a physical address's bits only through line_index, line_offset,
// line_start and line_addr (sim/types.hpp).
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <type_traits>

namespace allocsim::sim {

struct PfnTag;
struct PhysAddrTag;
struct VirtAddrTag;

template <class Tag>
class Address {
 public:
  constexpr Address() = default;
  constexpr explicit Address(std::uint64_t v) : v_(v) {}
  constexpr std::uint64_t value() const { return v_; }
  // `if (!ptr)`: only a virtual address has a NULL (pfn 0 and physical 0 are real).
  constexpr explicit operator bool() const requires std::is_same_v<Tag, VirtAddrTag> {
    return v_ != 0;
  }

  friend constexpr bool operator==(Address, Address) = default;
  friend constexpr auto operator<=>(Address, Address) = default;

  // Offsets count bytes for addresses and pages for pfns.
  constexpr Address& operator+=(std::uint64_t n) {
    v_ += n;
    return *this;
  }
  constexpr Address& operator-=(std::uint64_t n) {
    v_ -= n;
    return *this;
  }
  constexpr Address& operator++() {
    ++v_;
    return *this;
  }
  friend constexpr Address operator+(Address a, std::uint64_t n) { return Address(a.v_ + n); }
  friend constexpr Address operator-(Address a, std::uint64_t n) { return Address(a.v_ - n); }
  // The distance from b to a, in the same unit.
  friend constexpr std::uint64_t operator-(Address a, Address b) { return a.v_ - b.v_; }

 private:
  std::uint64_t v_ = 0;
};

using Pfn = Address<PfnTag>;  // page frame number
// PhysAddr = Address<PhysAddrTag> is declared in sim/types.hpp.
using VirtAddr = Address<VirtAddrTag>;  // kernel virtual address

}  // namespace allocsim::sim

template <class Tag>
struct std::hash<allocsim::sim::Address<Tag>> {
  std::size_t operator()(allocsim::sim::Address<Tag> a) const noexcept {
    return std::hash<std::uint64_t>{}(a.value());
  }
};
