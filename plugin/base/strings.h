// The string helpers of the tree, written once: Trim, ToLower, StartsWith,
// EndsWith and Split. ASCII only (header names, hosts, config lines); no
// locale is consulted.
#ifndef OCIMAKE_BASE_STRINGS_H_
#define OCIMAKE_BASE_STRINGS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ocimake {

inline constexpr std::string_view kWhitespace = " \t\r\n";

// `s` without leading and trailing characters of `chars`.
std::string Trim(std::string_view s, std::string_view chars = kWhitespace);
// `s` with A-Z turned into a-z; every other byte kept.
std::string ToLower(std::string_view s);
// `text` with control characters as \xNN, for untrusted text (a layer's
// names, an SBOM's) that must not drive the terminal.
std::string Printable(std::string_view text);
// A C0 control character or DEL: what Printable() escapes.
bool IsControlCharacter(unsigned char c);
bool HasControlCharacter(std::string_view text);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
// The pieces of `s` between `sep`s, empty ones included: "a,,b" -> {"a", "", "b"},
// "" -> {""}.
std::vector<std::string> Split(std::string_view s, char sep);
// True when `s` is a non-empty run of the digits 0-9.
bool IsDecimal(std::string_view s);
// `s` up to its first newline (all of it when it has none).
std::string FirstLine(std::string_view s);
// A byte count for people: "512 B", "1.5 KiB", "3.2 MiB", "1.1 GiB", "2.0 TiB".
std::string HumanBytes(uint64_t bytes);
// Bytes as lowercase hex digits, and back (false for anything else than
// an even number of hex digits).
std::string HexEncode(std::string_view bytes);
bool HexDecode(std::string_view hex, std::string* bytes);
// Seconds since the epoch as UTC in a strftime `format`; by default RFC 3339
// as OCI configs and SPDX want it: 0 -> "1970-01-01T00:00:00Z".
std::string FormatUtc(int64_t seconds, const char* format = "%Y-%m-%dT%H:%M:%SZ");

}  // namespace ocimake

#endif  // OCIMAKE_BASE_STRINGS_H_
