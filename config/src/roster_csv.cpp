// The roster as CSV, because municipal staff lists live in spreadsheets. Header row
// (any order): id,name,department[,lineworks_user].
#include <array>

#include "internal.hpp"

namespace bcp::config::detail {

namespace {

std::string line_at(int line) { return "line " + std::to_string(line); }

}  // namespace

std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& file, Errors& errors) {
  static constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());

  std::vector<CsvRecord> records;
  std::size_t i = 0;
  int line = 1;
  const std::size_t n = text.size();
  // Consumes one line break at i (CRLF, LF or a lone CR) and counts it.
  auto take_newline = [&]() -> bool {
    if (i < n && text[i] == '\r') {
      ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      return true;
    }
    if (i < n && text[i] == '\n') {
      ++i;
      ++line;
      return true;
    }
    return false;
  };
  auto skip_to_line_end = [&] {
    while (i < n && text[i] != '\n' && text[i] != '\r') ++i;
  };

  while (i < n) {
    CsvRecord rec;
    rec.line = line;
    if (take_newline()) continue;  // a blank line is no record
    bool broken = false;
    bool done = false;
    while (!done) {
      std::string field;
      if (i < n && text[i] == '"') {
        ++i;
        bool closed = false;
        while (i < n) {
          char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\r' || c == '\n') {
            // Keep embedded line breaks as LF, whatever the file uses.
            take_newline();
            field += '\n';
            continue;
          }
          field += c;
          ++i;
        }
        if (!closed) {
          errors.add(file, line_at(rec.line), "quoted field not closed before end of file");
          return records;
        }
        if (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          if (!broken) errors.add(file, line_at(rec.line), "unexpected text after closing quote");
          broken = true;
          skip_to_line_end();
        }
      } else {
        while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          if (text[i] == '"' && !broken) {
            errors.add(file, line_at(rec.line), "quote inside an unquoted field");
            broken = true;
          }
          field += text[i++];
        }
      }
      rec.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
      } else {
        take_newline();
        done = true;
      }
    }
    if (!broken) records.push_back(std::move(rec));
  }
  return records;
}

std::vector<RosterEntry> roster_from_csv(std::string_view text, const std::string& file,
                                         Errors& errors) {
  std::vector<RosterEntry> out;
  auto records = parse_csv(text, file, errors);
  if (records.empty()) {
    errors.add(file, "line 1", "header row missing (expected id,name,department,lineworks_user)");
    return out;
  }
  const CsvRecord& header = records.front();
  if (header.line != 1) {
    // The header must be the first line, else a data row might be taken for it.
    errors.add(file, "line 1", "header row missing (expected id,name,department,lineworks_user)");
    return out;
  }
  enum Column { kId, kName, kDepartment, kLineworks, kColumns };
  static constexpr std::array<const char*, kColumns> kNames = {"id", "name", "department",
                                                               "lineworks_user"};
  std::array<int, kColumns> index;
  index.fill(-1);
  bool header_ok = true;
  for (std::size_t c = 0; c < header.fields.size(); ++c) {
    const std::string& h = header.fields[c];
    int found = -1;
    for (int k = 0; k < kColumns; ++k) {
      if (h == kNames[k]) found = k;
    }
    if (found < 0) {
      errors.add(
          file, "line 1",
          "unknown column " + json_quote(h) + " (expected id,name,department,lineworks_user)");
      header_ok = false;
    } else if (index[found] >= 0) {
      errors.add(file, "line 1", "duplicate column " + json_quote(h));
      header_ok = false;
    } else {
      index[found] = static_cast<int>(c);
    }
  }
  for (int k = 0; k < kLineworks; ++k) {
    if (index[k] < 0) {
      errors.add(file, "line 1", std::string("required column \"") + kNames[k] + "\" missing");
      header_ok = false;
    }
  }
  if (!header_ok) return out;

  const std::size_t width = header.fields.size();
  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    const std::string where = line_at(rec.line);
    if (rec.fields.size() != width) {
      errors.add(file, where,
                 "expected " + std::to_string(width) + " fields, found " +
                     std::to_string(rec.fields.size()));
      continue;
    }
    bool ok = true;
    std::array<std::string, kColumns> value;
    for (int k = 0; k < kColumns; ++k) {
      if (index[k] < 0) continue;
      value[k] = rec.fields[index[k]];
      if (!valid_utf8(value[k])) {
        errors.add(file, where, std::string("invalid UTF-8 in \"") + kNames[k] + "\"");
        ok = false;
      } else if (value[k].empty() && k != kLineworks) {
        errors.add(file, where, std::string("empty \"") + kNames[k] + "\"");
        ok = false;
      }
    }
    if (!ok) continue;
    RosterEntry e;
    e.csv = true;
    e.origin = where;
    e.staff.id = value[kId];
    e.staff.name = value[kName];
    e.staff.department = value[kDepartment];
    if (!value[kLineworks].empty()) e.staff.lineworks_user = value[kLineworks];
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace bcp::config::detail
