#include "io/config/distribution_text.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/config/suggest.hpp"
#include "io/config/units.hpp"
#include "util/printable.hpp"

namespace allocsim::io {
namespace {

using workloads::gen::Distribution;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

[[noreturn]] void fail(const std::string& message) {
  throw std::invalid_argument(message);
}

const std::vector<std::string>& function_names() {
  static const std::vector<std::string> names{"uniform", "exponential", "lognormal", "pareto",
                                              "table"};
  return names;
}

[[noreturn]] void unknown_function(std::string_view name) {
  std::string message = "unknown distribution '" + util::printable(name) + "' (expected " +
                        join_alternatives(function_names()) + ")";
  std::string hint = closest_match(name, function_names());
  if (!hint.empty()) message += "; did you mean '" + hint + "'?";
  fail(message);
}

std::uint64_t parse_quantity(std::string_view text, Quantity quantity, double ghz) {
  switch (quantity) {
    case Quantity::count:
      return parse_uint(text);
    case Quantity::bytes:
      return parse_size(text);
    case Quantity::time:
      return parse_time(text, ghz);
  }
  fail("unknown quantity");
}

// sigma and alpha: a plain decimal, nothing after it.
double parse_unitless(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    fail("expected a number, got '" + util::printable(text) + "'");
  }
  return value;
}

// "a, b ,c" -> {"a", "b", "c"}; "" -> {}.
std::vector<std::string_view> split_arguments(std::string_view name, std::string_view text) {
  std::vector<std::string_view> args;
  if (trim(text).empty()) return args;
  for (;;) {
    std::size_t comma = text.find(',');
    std::string_view arg = trim(text.substr(0, comma));
    if (arg.empty()) {
      fail("argument " + std::to_string(args.size() + 1) + " of " + std::string(name) +
           " is empty");
    }
    args.push_back(arg);
    if (comma == std::string_view::npos) return args;
    text.remove_prefix(comma + 1);
  }
}

void expect_arguments(std::string_view name, std::size_t got, std::size_t least, std::size_t most,
                      const char* form) {
  if (got >= least && got <= most) return;
  std::string count =
      least == most ? std::to_string(least) : std::to_string(least) + " or " + std::to_string(most);
  fail(std::string(name) + " takes " + count + (most == 1 ? " argument" : " arguments") + ", got " +
       std::to_string(got) + " (" + form + ")");
}

// Names the argument in a unit parser's message, which only quotes the value.
template <typename Parse>
auto argument(std::string_view name, std::size_t index, Parse parse) {
  try {
    return parse();
  } catch (const std::invalid_argument& e) {
    fail("argument " + std::to_string(index + 1) + " of " + std::string(name) + ": " + e.what());
  }
}

Distribution parse_table(const std::vector<std::string_view>& args, Quantity quantity, double ghz) {
  if (args.empty()) fail("table needs at least one value:weight entry");
  std::vector<std::uint64_t> values, weights;
  values.reserve(args.size());
  weights.reserve(args.size());
  for (std::string_view entry : args) {
    std::size_t colon = entry.find(':');
    if (colon == std::string_view::npos) {
      fail("table entry '" + util::printable(entry) + "' needs value:weight");
    }
    try {
      values.push_back(parse_quantity(trim(entry.substr(0, colon)), quantity, ghz));
      weights.push_back(parse_uint(trim(entry.substr(colon + 1))));
    } catch (const std::invalid_argument& e) {
      fail("table entry '" + util::printable(entry) + "': " + e.what());
    }
    if (weights.back() == 0) {
      fail("table entry '" + util::printable(entry) + "' has weight 0 (weights must be positive)");
    }
  }
  return Distribution::table(std::move(values), std::move(weights));
}

}  // namespace

Distribution parse_distribution(std::string_view text, Quantity quantity, double ghz) {
  const std::string_view s = trim(text);
  if (s.empty()) fail("expected a distribution, got an empty value");

  const std::size_t open = s.find('(');
  if (open == std::string_view::npos) {
    // A quantity never starts with a letter, so this is a function name.
    if (std::isalpha(static_cast<unsigned char>(s.front()))) {
      std::size_t end = 0;
      while (end < s.size() && std::isalpha(static_cast<unsigned char>(s[end]))) ++end;
      std::string_view name = s.substr(0, end);
      for (const std::string& known : function_names()) {
        if (name == known) fail("missing '(' after '" + known + "'");
      }
      unknown_function(name);
    }
    return Distribution::constant(parse_quantity(s, quantity, ghz));
  }

  const std::string_view name = trim(s.substr(0, open));
  if (name.empty()) fail("missing distribution name before '('");
  const std::size_t close = s.find(')', open);
  if (close == std::string_view::npos) fail("missing ')'");
  if (close + 1 != s.size()) {
    fail("unexpected '" + std::string(trim(s.substr(close + 1))) + "' after ')'");
  }
  const std::vector<std::string_view> args =
      split_arguments(name, s.substr(open + 1, close - open - 1));
  auto quantity_arg = [&](std::size_t i) {
    return argument(name, i, [&] { return parse_quantity(args[i], quantity, ghz); });
  };
  auto unitless_arg = [&](std::size_t i) {
    return argument(name, i, [&] { return parse_unitless(args[i]); });
  };

  // Arguments are read into locals in order, so the first bad one is reported.
  if (name == "uniform") {
    expect_arguments(name, args.size(), 2, 2, "uniform(a, b)");
    const std::uint64_t lo = quantity_arg(0), hi = quantity_arg(1);
    return Distribution::uniform(lo, hi);
  }
  if (name == "exponential") {
    expect_arguments(name, args.size(), 1, 1, "exponential(mean)");
    return Distribution::exponential(static_cast<double>(quantity_arg(0)));
  }
  if (name == "lognormal") {
    expect_arguments(name, args.size(), 2, 2, "lognormal(median, sigma)");
    const double median = static_cast<double>(quantity_arg(0)), sigma = unitless_arg(1);
    return Distribution::lognormal(median, sigma);
  }
  if (name == "pareto") {
    expect_arguments(name, args.size(), 2, 3, "pareto(xm, alpha) or pareto(xm, alpha, max)");
    const double xm = static_cast<double>(quantity_arg(0)), alpha = unitless_arg(1);
    std::uint64_t cap = 0;
    if (args.size() == 3) {
      cap = quantity_arg(2);
      // 0 would read as "no cap" in Distribution::pareto.
      if (cap == 0) fail("pareto max must be greater than 0");
    }
    return Distribution::pareto(xm, alpha, cap);
  }
  if (name == "table") return parse_table(args, quantity, ghz);
  unknown_function(name);
}

}  // namespace allocsim::io
