// Ring buffer event sizes from tracefs formats, and the --buffer-size
// suggested after lost events.
#include "io/recording/buffer_size.hpp"

#include <gtest/gtest.h>

namespace allocsim::io::recording {
namespace {

// events/kmem/kmalloc/format and events/kmem/kmem_cache_free/format of 6.18.
constexpr const char* kKmalloc = R"(name: kmalloc
ID: 660
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:unsigned long call_site;	offset:8;	size:8;	signed:0;
	field:const void * ptr;	offset:16;	size:8;	signed:0;
	field:size_t bytes_req;	offset:24;	size:8;	signed:0;
	field:size_t bytes_alloc;	offset:32;	size:8;	signed:0;
	field:unsigned long gfp_flags;	offset:40;	size:8;	signed:0;
	field:int node;	offset:48;	size:4;	signed:1;

print fmt: "call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d accounted=%s", ...
)";
constexpr const char* kCacheFree = R"(name: kmem_cache_free
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:unsigned long call_site;	offset:8;	size:8;	signed:0;
	field:const void * ptr;	offset:16;	size:8;	signed:0;
	field:__data_loc char[] name;	offset:24;	size:4;	signed:0;
)";

TEST(BufferSize, PayloadFromTheFormat) {
  EXPECT_EQ(event_payload_bytes(kKmalloc), 56u);  // 52 rounded up to 8
  EXPECT_EQ(event_payload_bytes(kCacheFree), 32u + kDynamicFieldGuess);
  EXPECT_EQ(event_payload_bytes("name: x\nformat:\n"), 0u);
  EXPECT_EQ(stack_payload_bytes(9), 16u + 72u);
  EXPECT_EQ(stack_payload_bytes(8.5), 16u + 72u);  // a mean rounds up
}

TEST(BufferSize, RingBufferEventHeader) {
  EXPECT_EQ(ring_buffer_event_bytes(56), 60u);    // 4-byte header
  EXPECT_EQ(ring_buffer_event_bytes(112), 116u);  // RB_MAX_SMALL_DATA: still no length word
  EXPECT_EQ(ring_buffer_event_bytes(113), 124u);  // + length word, aligned to 4
  EXPECT_EQ(ring_buffer_event_bytes(0), 8u);      // an empty payload counts as 1 byte
}

TEST(BufferSize, SuggestionHoldsEveryEventWithMargin) {
  // 200000 x 60 B (x 4096/4080 page headers) = 12.05 MB; x 1.5 = 18.1 MB -> 18 MiB.
  EXPECT_EQ(suggest_buffer_kb(16, {{100000, 60}, {200000, 60}}), 18u * 1024);
  // The worst CPU decides.
  EXPECT_EQ(suggest_buffer_kb(16, {{200000, 60}, {1, 60}}), 18u * 1024);
  // At least twice the buffer that lost events, and never below 1 MiB.
  EXPECT_EQ(suggest_buffer_kb(65538, {{1000, 60}}), 129u * 1024);
  EXPECT_EQ(suggest_buffer_kb(4, {{1, 60}}), 1024u);
  EXPECT_EQ(suggest_buffer_kb(4, {}), 1024u);
}

}  // namespace
}  // namespace allocsim::io::recording
