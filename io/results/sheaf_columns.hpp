#pragma once
// The linux-6.18 sheaf columns that the summary (summary/sheaves) and the
// slab_sheaves time series share: what the sheaves hold now, then every
// SheafStats counter in its declaration order.
#include <functional>
#include <vector>

#include "io/results/stat_columns.hpp"
#include "io/results/stat_tree.hpp"
#include "model/sheaf_stats.hpp"

namespace allocsim::io {

template <class Row>
std::vector<Column<Row>> sheaf_columns(std::function<const model::SheafStats&(const Row&)> stats,
                                       std::function<const model::SheafUsage&(const Row&)> usage) {
  std::vector<Column<Row>> out;
  auto now = [&](const sim::StatDecl& d, std::uint64_t model::SheafUsage::*m) {
    out.push_back(stat_column<Row>(h5::Column::Type::u64, tree::kSlabSheaves, d,
                                   [usage, m](const Row& r) -> CellValue { return usage(r).*m; }));
  };
  now(model::kSheafObjects, &model::SheafUsage::objects);
  now(model::kSheafBytes, &model::SheafUsage::bytes);
  now(model::kBarnFull, &model::SheafUsage::barn_full);
  now(model::kBarnEmpty, &model::SheafUsage::barn_empty);
  for (const sim::FieldDecl<model::SheafStats>& f : model::SheafStats::kFields)
    out.push_back(
        field_column<Row>(tree::kSlabSheaves, model::SheafStats::kFields, f.member, stats));
  return out;
}

}  // namespace allocsim::io
