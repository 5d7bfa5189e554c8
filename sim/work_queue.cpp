#include "sim/work_queue.hpp"

#include <algorithm>

namespace allocsim::sim {

Work::~Work() {
  if (pending_ && queue_) queue_->cancel(*this);
}

bool WorkQueue::queue(Work& w, Cycles due, bool deferrable) {
  if (w.pending_) return false;
  w.pending_ = true;
  w.queue_ = this;
  w.due_ = due;
  w.seq_ = next_seq_++;
  std::vector<Work*>& h = heap_[deferrable ? 1 : 0];
  h.push_back(&w);
  std::push_heap(h.begin(), h.end(), later);
  next_due_ = std::min(next_due_, due);
  return true;
}

Cycles WorkQueue::next_wakeup() const {
  return heap_[0].empty() ? kNever : heap_[0].front()->due_;
}

Work* WorkQueue::pop_due(Cycles now) {
  if (next_due_ > now) return nullptr;
  std::vector<Work*>* from = nullptr;
  for (std::vector<Work*>& h : heap_)
    if (!h.empty() && h.front()->due_ <= now && (!from || later(from->front(), h.front())))
      from = &h;
  std::pop_heap(from->begin(), from->end(), later);
  Work* w = from->back();
  from->pop_back();
  w->pending_ = false;
  w->queue_ = nullptr;
  refresh_next_due();
  return w;
}

void WorkQueue::cancel(Work& w) {
  if (!w.pending_ || w.queue_ != this) return;
  for (std::vector<Work*>& h : heap_) {
    const auto it = std::find(h.begin(), h.end(), &w);
    if (it == h.end()) continue;
    h.erase(it);
    std::make_heap(h.begin(), h.end(), later);
  }
  w.pending_ = false;
  w.queue_ = nullptr;
  refresh_next_due();
}

void WorkQueue::refresh_next_due() {
  next_due_ = kNever;
  for (const std::vector<Work*>& h : heap_)
    if (!h.empty()) next_due_ = std::min(next_due_, h.front()->due_);
}

}  // namespace allocsim::sim
