#pragma once
// A results table held by columns: what one HDF5 compound dataset stores
// (one field per column). Columns are declared first, then filled row by
// row; every column of a table has the same length when it is written.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace allocsim::h5 {

struct Column {
  enum class Type : unsigned char { u64, i64, f64, str };
  std::string name;
  Type type = Type::u64;
  std::string unit;  // "cycles", "pages", "bytes", "ns", "1" (a ratio or a count of things)
  std::vector<std::uint64_t> u;
  std::vector<std::int64_t> i;
  std::vector<double> f;
  std::vector<std::string> s;

  std::size_t size() const {
    switch (type) {
      case Type::u64:
        return u.size();
      case Type::i64:
        return i.size();
      case Type::f64:
        return f.size();
      case Type::str:
        return s.size();
    }
    return 0;
  }
};

// A column type's name as the docs and `allocsim stats` print it.
constexpr std::string_view type_name(Column::Type t) {
  switch (t) {
    case Column::Type::u64:
      return "u64";
    case Column::Type::i64:
      return "i64";
    case Column::Type::f64:
      return "f64";
    case Column::Type::str:
      return "str";
  }
  return "";
}

class Table {
 public:
  // Declares a column; returns its index for push().
  std::size_t add(std::string name, Column::Type type, std::string unit) {
    for (const Column& c : columns_)
      if (c.name == name) throw std::logic_error("table column '" + name + "' declared twice");
    columns_.push_back(Column{std::move(name), type, std::move(unit), {}, {}, {}, {}});
    return columns_.size() - 1;
  }
  // One-row tables (summary): declare and fill in one call.
  void set(std::string name, std::uint64_t v, std::string unit) {
    columns_[add(std::move(name), Column::Type::u64, std::move(unit))].u.push_back(v);
  }
  void set(std::string name, double v, std::string unit) {
    columns_[add(std::move(name), Column::Type::f64, std::move(unit))].f.push_back(v);
  }
  void set(std::string name, std::string v) {
    columns_[add(std::move(name), Column::Type::str, "")].s.push_back(std::move(v));
  }

  void push(std::size_t column, std::uint64_t v) { columns_[column].u.push_back(v); }
  void push_i(std::size_t column, std::int64_t v) { columns_[column].i.push_back(v); }
  void push_f(std::size_t column, double v) { columns_[column].f.push_back(v); }
  void push_s(std::size_t column, std::string v) { columns_[column].s.push_back(std::move(v)); }

  // Appends one value to a column, converted to the column's type.
  template <class T>
  void push_value(std::size_t column, const T& v) {
    Column& c = columns_.at(column);
    if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      if (c.type != Column::Type::str) throw std::logic_error("column '" + c.name + "' is numeric");
      c.s.emplace_back(std::string_view(v));
    } else {
      static_assert(std::is_arithmetic_v<T>);
      switch (c.type) {
        case Column::Type::u64:
          c.u.push_back(static_cast<std::uint64_t>(v));
          break;
        case Column::Type::i64:
          c.i.push_back(static_cast<std::int64_t>(v));
          break;
        case Column::Type::f64:
          c.f.push_back(static_cast<double>(v));
          break;
        case Column::Type::str:
          throw std::logic_error("column '" + c.name + "' holds strings");
      }
    }
  }
  // One row: a value per column, in column order.
  template <class... V>
  void append_row(const V&... v) {
    if (sizeof...(V) != columns_.size())
      throw std::logic_error("a row of " + std::to_string(sizeof...(V)) + " values for " +
                             std::to_string(columns_.size()) + " columns");
    std::size_t i = 0;
    (push_value(i++, v), ...);
  }

  // Rows, after checking that every column has as many.
  std::size_t rows() const {
    if (columns_.empty()) return 0;
    const std::size_t n = columns_.front().size();
    for (const Column& c : columns_)
      if (c.size() != n)
        throw std::logic_error("table column '" + c.name + "' has " + std::to_string(c.size()) +
                               " rows, '" + columns_.front().name + "' has " + std::to_string(n));
    return n;
  }
  const std::vector<Column>& columns() const { return columns_; }
  std::vector<Column>& columns() { return columns_; }
  const Column* find(const std::string& name) const {
    for (const Column& c : columns_)
      if (c.name == name) return &c;
    return nullptr;
  }

 private:
  std::vector<Column> columns_;
};

}  // namespace allocsim::h5
