#pragma once
// Results tables built from declarations. A column names the statistic it
// shows (the node of the statistics tree that declares it and its StatDecl:
// unit, meaning, source) and how to read it from one row, so declaring a
// table, filling it, documenting it and listing it (`allocsim stats`) all
// iterate one list.
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "io/h5/spooled_table.hpp"
#include "io/h5/table.hpp"
#include "sim/stat_decl.hpp"

namespace allocsim::io {

// What one column holds.
struct ColumnDecl {
  std::string name;  // the column's name; may hold a family's placeholder (`<op>.ops`)
  h5::Column::Type type;
  // The statistics-tree node that declares the statistic ("page_alloc.zone");
  // empty for a key column, which says which row it is (cpu, zone, ...).
  std::string_view component;
  sim::StatDecl stat;  // stat.name: the statistic's name in its component
};

using CellValue = std::variant<std::uint64_t, std::int64_t, double, std::string_view>;

template <class Row>
struct Column {
  ColumnDecl decl;
  std::function<CellValue(const Row&)> read;
};

// A table whose rows are all of one kind.
template <class Row>
struct TableSpec {
  std::string_view name;
  std::string_view rows;  // which rows it has: "one row per populated zone"
  std::vector<Column<Row>> columns;
};

// A table's declarations without the readers: what the docs and `allocsim stats` list.
struct TableSchema {
  std::string name;
  std::string rows;
  std::vector<ColumnDecl> columns;
};

template <class Row>
TableSchema schema_of(const TableSpec<Row>& t) {
  TableSchema s{std::string(t.name), std::string(t.rows), {}};
  for (const Column<Row>& c : t.columns) s.columns.push_back(c.decl);
  return s;
}

// Appends `v` to a column, which must have v's type (std::logic_error otherwise).
void push(h5::Table& t, std::size_t column, const CellValue& v);
// Sets `v` in the spooled table's row being built (same rule).
void push(h5::SpooledTable& t, std::size_t column, const CellValue& v);

// Into an h5::Table or an h5::SpooledTable.
template <class Table, class Row>
void declare_columns(Table& t, const std::vector<Column<Row>>& columns) {
  for (const Column<Row>& c : columns)
    t.add(c.decl.name, c.decl.type, std::string(c.decl.stat.unit));
}
// One row's values, into the columns from `first` on.
template <class Table, class Row>
void push_row(Table& t, const std::vector<Column<Row>>& columns, const Row& row,
              std::size_t first = 0) {
  for (std::size_t i = 0; i < columns.size(); ++i) push(t, first + i, columns[i].read(row));
}

// A key column: which row it is, not a statistic.
template <class Row>
Column<Row> key_column(std::string_view name, h5::Column::Type type, std::string_view unit,
                       std::string_view meaning, std::function<CellValue(const Row&)> read) {
  return {{std::string(name), type, {}, {name, unit, meaning, {}}}, std::move(read)};
}

// A column showing statistic `stat` of `component` under the column name `name`.
template <class Row>
Column<Row> stat_column(std::string_view name, h5::Column::Type type, std::string_view component,
                        const sim::StatDecl& stat, std::function<CellValue(const Row&)> read) {
  return {{std::string(name), type, component, stat}, std::move(read)};
}
template <class Row>
Column<Row> stat_column(h5::Column::Type type, std::string_view component,
                        const sim::StatDecl& stat, std::function<CellValue(const Row&)> read) {
  return {{std::string(stat.name), type, component, stat}, std::move(read)};
}

// A column showing a declared counter field of struct T, which `of` finds
// from the row; named like the field unless `name` is given.
template <class Row, class T, std::size_t N>
Column<Row> field_column(std::string_view component, const std::array<sim::FieldDecl<T>, N>& fields,
                         std::uint64_t T::*member,
                         std::function<const std::type_identity_t<T>&(const Row&)> of,
                         std::string_view name = {}) {
  const sim::StatDecl& d = sim::decl_of(fields, member);
  return {{std::string(name.empty() ? d.name : name), h5::Column::Type::u64, component, d},
          [member, of = std::move(of)](const Row& r) -> CellValue { return of(r).*member; }};
}

}  // namespace allocsim::io
