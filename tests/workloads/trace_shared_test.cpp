// Every real capture in ${ALLOCSIM_SHARED_DIR}/traces parses without error.
// The expected counts come from an independent count with grep/awk over the
// files (and agree with each file's .source.txt); the folder is not part of
// the repository, so these tests skip when it is absent.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "model/kmalloc_type.hpp"
#include "workloads/trace/event_gfp.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::workloads::trace {
namespace {

namespace fs = std::filesystem;

fs::path traces_dir() {
  return fs::path(ALLOCSIM_SHARED_DIR) / "traces";
}

#define SKIP_WITHOUT_SHARED_TRACES() \
  if (!fs::is_directory(traces_dir())) GTEST_SKIP() << "no shared traces at " << traces_dir()

std::map<std::string, std::uint64_t> counts(const Trace& t) {
  std::map<std::string, std::uint64_t> m;
  for (std::size_t k = 0; k < kEventKinds; ++k)
    if (t.stats.events[k] != 0)
      m[std::string(kind_name(static_cast<EventKind>(k)))] = t.stats.events[k];
  return m;
}

struct Expected {
  const char* file;
  Format format;
  std::map<std::string, std::uint64_t> events;
};

const std::vector<Expected>& expected() {
  static const std::vector<Expected> e = {
      {"kmem-boot-i386-3.6-SLAB.ftrace.txt",
       Format::ftrace,
       {{"kmalloc", 2088}, {"kmem_cache_alloc", 5561}, {"kfree", 354}, {"kmem_cache_free", 2455}}},
      {"kmem-boot-i386-3.6-SLOB.ftrace.txt",
       Format::ftrace,
       {{"kmalloc_node", 2100},
        {"kmem_cache_alloc_node", 5543},
        {"kfree", 374},
        {"kmem_cache_free", 2455}}},
      {"kmem-boot-i386-3.6-SLUB.ftrace.txt",
       Format::ftrace,
       {{"kmalloc", 2211}, {"kmem_cache_alloc", 6432}, {"kfree", 428}, {"kmem_cache_free", 2469}}},
      {"excerpt-linux-mm-2010-li-hong-mm_page_free_direct.ftrace.txt",
       Format::ftrace,
       {{"mm_page_alloc", 1}, {"mm_page_free_direct", 4}}},
      {"excerpt-linux-mm-2016-mel-gorman-mm_page_alloc-stacktrace.ftrace.txt",
       Format::ftrace,
       {{"mm_page_alloc", 2}}},
      {"excerpt-lkml-2019-changbin-du-slab-pS.ftrace.txt",
       Format::ftrace,
       {{"kmalloc", 1}, {"kfree", 2}, {"kmem_cache_alloc", 2}, {"kmem_cache_free", 4}}},
      {"excerpt-lkml-2020-jaewon-kim-mm_page_alloc-nr_free.ftrace.txt",
       Format::ftrace,
       {{"mm_page_alloc", 9}}},
      {"excerpt-perf-script-kmem-callchains.txt",
       Format::perf,
       {{"kmalloc", 1}, {"mm_page_alloc", 1}}},
      {"excerpt-stable-2024-rostedt-6.12-kmem-printk-vs-fields.ftrace.txt",
       Format::ftrace,
       {{"kmem_cache_alloc", 6}, {"kmem_cache_free", 2}}},
      {"excerpt-trace-cmd-report-kmem-6x.txt",
       Format::trace_cmd,
       {{"kmalloc", 5}, {"kmem_cache_alloc", 2}, {"mm_page_alloc", 4}}},
      {"excerpt-yocto-profile-manual-kmalloc-8cpu.ftrace.txt", Format::ftrace, {{"kmalloc", 31}}},
      {"wee_alloc-dogfood.trace", Format::wee_alloc, {{"kmalloc", 32472}, {"kfree", 13604}}},
      {"wee_alloc-ffmpeg.trace", Format::wee_alloc, {{"kmalloc", 1832}, {"kfree", 1805}}},
      {"wee_alloc-find.trace", Format::wee_alloc, {{"kmalloc", 567}, {"kfree", 563}}},
      {"wee_alloc-gcc-hello.trace", Format::wee_alloc, {{"kmalloc", 11431}, {"kfree", 6344}}},
      {"wee_alloc-grep-recursive.trace", Format::wee_alloc, {{"kmalloc", 657}, {"kfree", 619}}},
  };
  return e;
}

TEST(TraceShared, EveryFileParsesWithoutErrorWithTheCountedEvents) {
  SKIP_WITHOUT_SHARED_TRACES();
  std::size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(traces_dir())) {
    const std::string name = entry.path().filename().string();
    if (name == "README.md" || name.ends_with(".source.txt") || name.starts_with("format-"))
      continue;  // format-*: an events/<event>/format file, not a trace
    SCOPED_TRACE(name);
    Trace t;
    ASSERT_NO_THROW(t = read_trace_file(entry.path()));
    EXPECT_EQ(t.stats.bad_lines, 0u);
    EXPECT_EQ(t.stats.count(EventKind::other), 0u);
    EXPECT_EQ(t.stats.total_events(), t.events.size());
    for (const Expected& e : expected()) {
      if (name != e.file) continue;
      EXPECT_EQ(t.format, e.format);
      EXPECT_EQ(counts(t), e.events);
      ++checked;
    }
  }
  EXPECT_EQ(checked, expected().size());
}

// Per kmem-boot file: kmalloc bytes_req summed with awk, and the frees of
// "ptr=  (null)" (grep '(null)'), all of them kfree(NULL).
TEST(TraceShared, KmemBootTotalsAndNullFrees) {
  SKIP_WITHOUT_SHARED_TRACES();
  struct Case {
    const char* file;
    std::uint64_t kmalloc_bytes_req, null_frees, lines;
  };
  for (const Case c : {Case{"kmem-boot-i386-3.6-SLAB.ftrace.txt", 201397, 244, 10469},
                       Case{"kmem-boot-i386-3.6-SLOB.ftrace.txt", 200832, 244, 10483},
                       Case{"kmem-boot-i386-3.6-SLUB.ftrace.txt", 202971, 274, 11551}}) {
    SCOPED_TRACE(c.file);
    const Trace t = read_trace_file(traces_dir() / c.file);
    std::uint64_t bytes = 0, nulls = 0;
    for (const TraceEvent& e : t.events) {
      if (e.kind == EventKind::kmalloc || e.kind == EventKind::kmalloc_node) bytes += e.bytes_req;
      if (e.kind == EventKind::kfree && e.ptr == 0) ++nulls;
      EXPECT_EQ(e.cpu, 0);
      EXPECT_EQ(e.fields & required_fields(e.kind), required_fields(e.kind));
    }
    EXPECT_EQ(bytes, c.kmalloc_bytes_req);
    EXPECT_EQ(nulls, c.null_frees);
    EXPECT_EQ(t.stats.lines, c.lines);
    EXPECT_EQ(t.stats.header_lines, 11u);
    EXPECT_EQ(t.stats.incomplete_events, 0u);
  }
}

TEST(TraceShared, SlubFirstLineFields) {
  SKIP_WITHOUT_SHARED_TRACES();
  const Trace t = read_trace_file(traces_dir() / "kmem-boot-i386-3.6-SLUB.ftrace.txt");
  // init-1 [000] .N.. 0.170000: kmalloc: call_site=c104de4f ptr=c143de20 bytes_req=29
  // bytes_alloc=32 gfp_flags=GFP_KERNEL
  const TraceEvent& e = t.events.at(0);
  EXPECT_EQ(e.line, 12u);
  EXPECT_EQ(e.kind, EventKind::kmalloc);
  EXPECT_EQ(t.str(e.comm), "init");
  EXPECT_EQ(e.pid, 1);
  EXPECT_EQ(e.ts_ns, 170'000'000u);
  EXPECT_EQ(e.call_site, 0xc104de4fu);
  EXPECT_EQ(e.ptr, 0xc143de20u);
  EXPECT_EQ(e.bytes_req, 29u);
  EXPECT_EQ(e.bytes_alloc, 32u);
  EXPECT_EQ(t.str(e.gfp_text), "GFP_KERNEL");
  EXPECT_FALSE(e.gfp_numeric);
}

TEST(TraceShared, ExcerptQuirks) {
  SKIP_WITHOUT_SHARED_TRACES();
  {  // "bytes_req=56bytes_alloc=64" (typo in the source, twice)
    const Trace t = read_trace_file(traces_dir() / "excerpt-trace-cmd-report-kmem-6x.txt");
    EXPECT_EQ(t.stats.glued_fields, 2u);
    const TraceEvent& e = t.events.at(8);
    EXPECT_EQ(e.bytes_req, 56u);
    EXPECT_EQ(e.bytes_alloc, 64u);
    EXPECT_EQ(t.str(e.call_site_sym), "virtio_fs_enqueue_req+0x131");
    EXPECT_TRUE(e.gfp_numeric);
    EXPECT_EQ(e.gfp_value, 0x820u);
    EXPECT_EQ(t.str(t.events.at(0).comm), "make");
    EXPECT_EQ(t.events.at(0).pfn, 0x1347a7u);
    EXPECT_TRUE(t.events.at(2).accounted);
  }
  {  // "bytes_http://rostedt.homelinux.com/kernelshark/req=2048": an unknown key
    const Trace t =
        read_trace_file(traces_dir() / "excerpt-yocto-profile-manual-kmalloc-8cpu.ftrace.txt");
    EXPECT_EQ(t.stats.unknown_fields, 1u);
    EXPECT_EQ(t.stats.incomplete_events, 1u);
    EXPECT_EQ(t.str(t.events.at(3).comm), "matchbox-termin");
    EXPECT_EQ(t.events.at(3).pid, 1361);
    EXPECT_EQ(t.events.at(3).cpu, 1);
  }
  {  // tracefs options/fields: "bytes_req=0x1000 (4096)", "node=0xffffffff (-1)"
    const Trace t = read_trace_file(
        traces_dir() / "excerpt-stable-2024-rostedt-6.12-kmem-printk-vs-fields.ftrace.txt");
    const TraceEvent& a = t.events.at(0);
    EXPECT_EQ(t.str(a.call_site_sym), "getname_flags+0x47/0x1f0");
    EXPECT_EQ(a.pid, -1);
    EXPECT_EQ(a.cpu, -1);
    const TraceEvent& b = t.events.at(4);
    EXPECT_EQ(b.call_site, 0xffffffff92d10d97u);
    EXPECT_EQ(b.ptr, 0xffff9e0e8571e000u);
    EXPECT_EQ(b.bytes_req, 4096u);
    EXPECT_EQ(b.node, -1);
    EXPECT_FALSE(b.accounted);
    EXPECT_EQ(b.gfp_value, 0xcc0u);
    EXPECT_EQ(t.str(t.events.at(7).name), "names_cache");
  }
  {  // "page= (null)", <...> comm, nr_free= of a patched kernel
    const Trace t = read_trace_file(
        traces_dir() / "excerpt-lkml-2020-jaewon-kim-mm_page_alloc-nr_free.ftrace.txt");
    EXPECT_EQ(t.str(t.events.at(0).comm), "<...>");
    const TraceEvent& e = t.events.at(8);
    EXPECT_EQ(t.str(e.comm), "kswapd0");
    EXPECT_EQ(e.pid, 1207);
    EXPECT_EQ(e.page, 0u);
    EXPECT_TRUE(e.has(Field::page));
    EXPECT_EQ(e.migratetype, 1);
  }
  {  // perf script: comm with '/' and '-', callchains
    const Trace t = read_trace_file(traces_dir() / "excerpt-perf-script-kmem-callchains.txt");
    EXPECT_EQ(t.str(t.events.at(0).comm), "jbd2/dm-3-8");
    EXPECT_EQ(t.events.at(0).pid, 7666);
    EXPECT_EQ(t.events.at(0).ptr, 0xc000000fcd646360u);
    EXPECT_EQ(t.events.at(1).pfn, 1493252u);
    EXPECT_EQ(t.stats.stack_lines, 27u);
  }
}

}  // namespace
}  // namespace allocsim::workloads::trace

namespace allocsim::workloads::trace {
namespace {

// Every gfp_flags text of the 3.6 boot captures means something to the 2.6
// flavour's parser; the 6.x excerpts' to the 6 flavour's.
TEST(TraceShared, GfpTextsResolveInTheirGeneration) {
  if (!std::filesystem::is_directory(traces_dir())) GTEST_SKIP() << "no shared traces";
  for (const char* f : {"kmem-boot-i386-3.6-SLAB.ftrace.txt", "kmem-boot-i386-3.6-SLOB.ftrace.txt",
                        "kmem-boot-i386-3.6-SLUB.ftrace.txt"}) {
    const Trace t = read_trace_file(traces_dir() / f);
    for (const TraceEvent& e : t.events) {
      if (e.has(Field::gfp_flags)) {
        EXPECT_NO_THROW(event_gfp(model::Flavour::linux_2_6, t, e)) << t.str(e.gfp_text);
      }
    }
  }
  for (const char* f : {"excerpt-trace-cmd-report-kmem-6x.txt",
                        "excerpt-stable-2024-rostedt-6.12-kmem-printk-vs-fields.ftrace.txt",
                        "excerpt-lkml-2019-changbin-du-slab-pS.ftrace.txt"}) {
    const Trace t = read_trace_file(traces_dir() / f);
    for (const TraceEvent& e : t.events) {
      if (e.has(Field::gfp_flags)) {
        EXPECT_NO_THROW(event_gfp(model::Flavour::linux_6, t, e)) << t.str(e.gfp_text);
      }
    }
  }
  const Trace t = read_trace_file(traces_dir() / "kmem-boot-i386-3.6-SLUB.ftrace.txt");
  EXPECT_EQ(event_gfp(model::Flavour::linux_2_6, t, t.events.at(0)),
            model::parse_gfp(model::Flavour::linux_2_6, "GFP_KERNEL"));
}

}  // namespace
}  // namespace allocsim::workloads::trace

namespace allocsim::workloads {
namespace {

// linux-6.18: a traced kmalloc with accounted=true lands in kmalloc-cg-*,
// as kmalloc_type() routes __GFP_ACCOUNT; the older flavours keep the gfp.
TEST(EventGfp, AccountedRoutesToTheCgroupCachesUnderLinux618) {
  trace::Trace t;
  trace::TraceEvent e;
  e.gfp_numeric = true;
  const auto f = model::Flavour::linux_6_18;
  e.gfp_value = model::parse_gfp(f, "GFP_KERNEL").bits;
  e.accounted = true;
  const model::KmallocTypeBits bits(f);
  EXPECT_EQ(model::kmalloc_type(bits, trace::event_gfp(f, t, e), false),
            model::KmallocType::cgroup);
  e.accounted = false;
  EXPECT_EQ(model::kmalloc_type(bits, trace::event_gfp(f, t, e), false),
            model::KmallocType::normal);
  e.accounted = true;
  EXPECT_EQ(trace::event_gfp(model::Flavour::linux_6, t, e).bits,
            model::parse_gfp(model::Flavour::linux_6, "GFP_KERNEL").bits);
}

}  // namespace
}  // namespace allocsim::workloads
