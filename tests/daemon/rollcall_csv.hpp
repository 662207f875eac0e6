// A small strict RFC 4180 reader for the tests that open the roll-call CSV report back:
// CRLF between records, quoted fields with doubled quotes, nothing else. Throws on anything
// a spreadsheet would read differently (a stray quote, an unterminated field, a bare LF).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bcp::daemon::test {

using CsvTable = std::vector<std::vector<std::string>>;

inline CsvTable parse_rfc4180(std::string_view text) {
  CsvTable table;
  std::vector<std::string> record;
  std::string field;
  std::size_t i = 0;
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("CSV byte " + std::to_string(i) + ": " + why);
  };
  while (i < text.size()) {
    if (text[i] == '"') {  // quoted field
      ++i;
      for (;;) {
        if (i >= text.size()) fail("unterminated quoted field");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        if (text[i] == '"') fail("quote inside an unquoted field");
        field += text[i++];
      }
    }
    record.push_back(std::move(field));
    field.clear();
    if (i >= text.size()) fail("last record lacks its CRLF");
    if (text[i] == ',') {
      ++i;
      if (i >= text.size()) fail("file ends after a comma");
      continue;
    }
    if (text[i] == '\n') fail("bare LF (records end with CRLF)");
    if (text[i] != '\r' || i + 1 >= text.size() || text[i + 1] != '\n') fail("expected CRLF");
    i += 2;
    table.push_back(std::move(record));
    record.clear();
  }
  return table;
}

}  // namespace bcp::daemon::test
