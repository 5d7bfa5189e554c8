#include "io/results/stat_columns.hpp"

#include <stdexcept>

namespace allocsim::io {

void push(h5::Table& t, std::size_t column, const CellValue& v) {
  h5::Column& c = t.columns().at(column);
  const bool fits = (c.type == h5::Column::Type::u64 && v.index() == 0) ||
                    (c.type == h5::Column::Type::i64 && v.index() == 1) ||
                    (c.type == h5::Column::Type::f64 && v.index() == 2) ||
                    (c.type == h5::Column::Type::str && v.index() == 3);
  if (!fits) throw std::logic_error("column '" + c.name + "' read a value of another type");
  std::visit([&](const auto& x) { t.push_value(column, x); }, v);
}

void push(h5::SpooledTable& t, std::size_t column, const CellValue& v) {
  std::visit([&](const auto& x) { t.set(column, x); }, v);  // set checks the type
}

}  // namespace allocsim::io
