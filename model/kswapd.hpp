#pragma once
// kswapd of one node, an event the engine runs after a wake-up (see reclaim.cpp).
#include "model/page_alloc.hpp"

namespace allocsim::model {

class PageAllocator::Kswapd final : public sim::EventHandler {
 public:
  Kswapd(PageAllocator& pa, sim::NodeId node) : pa_(pa), node_(node) {}
  bool pending = false;

  // balance_pgdat in short: reclaim until every zone is at its high watermark.
  void on_event(sim::Cycles, std::uint64_t) override;

 private:
  PageAllocator& pa_;
  sim::NodeId node_;
};

}  // namespace allocsim::model
