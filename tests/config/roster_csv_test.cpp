// The CSV roster: what spreadsheets really export, and line numbers that match what the
// operator sees in a text editor.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bcp/config/config.hpp"

namespace fs = std::filesystem;
using bcp::config::load_town;

namespace {

class CsvRoster : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("bcp-csv-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "town.json") << R"({
      "name": "テスト町",
      "departments": [{"id": "soumu", "name": "総務課"}, {"id": "kikaku", "name": "企画課"}],
      "roster": "roster.csv",
      "groups": [],
      "tokens": []
    })";
  }
  void TearDown() override { fs::remove_all(dir_); }

  bcp::config::LoadResult load(const std::string& csv) {
    std::ofstream(dir_ / "roster.csv", std::ios::binary) << csv;
    return load_town(dir_ / "town.json");
  }
  std::vector<std::string> errors(const std::string& csv) {
    std::vector<std::string> out;
    for (const auto& e : load(csv).errors) out.push_back(e.to_string());
    return out;
  }
  std::string at(int line) const {
    return (dir_ / "roster.csv").generic_string() + ": line " + std::to_string(line) + ": ";
  }

  fs::path dir_;
};

using Errors = std::vector<std::string>;

TEST_F(CsvRoster, ExcelExportWithBomCrlfAndQuotes) {
  auto result = load(
      "\xEF\xBB\xBF"
      "id,name,department,lineworks_user\r\n"
      "a1,\"髙橋, 一\",soumu,lw-a1\r\n"
      "a2,\"say \"\"hi\"\"\",kikaku,\r\n"
      "a3,\"濵田\r\n三\",soumu,lw-a3\r\n");
  ASSERT_TRUE(result.errors.empty()) << result.errors[0].to_string();
  const auto& staff = result.config->staff;
  ASSERT_EQ(staff.size(), 3u);
  EXPECT_EQ(staff[0].id, "a1");  // the BOM is not part of the first header name
  EXPECT_EQ(staff[0].name, "髙橋, 一");
  EXPECT_EQ(staff[0].lineworks_user, "lw-a1");
  EXPECT_EQ(staff[1].name, "say \"hi\"");
  EXPECT_FALSE(staff[1].lineworks_user.has_value());  // empty cell = no LINE WORKS account
  EXPECT_EQ(staff[2].name, "濵田\n三");
  EXPECT_EQ(staff[2].department, "soumu");
}

TEST_F(CsvRoster, LfWithoutBomColumnsInAnyOrderAndBlankLines) {
  auto result = load(
      "department,name,id\n"
      "soumu,齋藤　一,a1\n"
      "\n"
      "kikaku,渡邉　二,a2\n"
      "\n\n");
  ASSERT_TRUE(result.errors.empty()) << result.errors[0].to_string();
  ASSERT_EQ(result.config->staff.size(), 2u);
  EXPECT_EQ(result.config->staff[1].id, "a2");
  EXPECT_EQ(result.config->staff[1].name, "渡邉　二");
  EXPECT_EQ(result.config->staff[1].department, "kikaku");
}

TEST_F(CsvRoster, LoneCrLineEnds) {
  auto result = load("id,name,department\ra1,一,soumu\ra2,二,kikaku");
  ASSERT_TRUE(result.errors.empty()) << result.errors[0].to_string();
  EXPECT_EQ(result.config->staff.size(), 2u);
}

TEST_F(CsvRoster, BadRowReportsThePhysicalLineWhereItStarts) {
  // Record 3 spans lines 3-5, so the bad record after it starts on line 6.
  EXPECT_EQ(errors("id,name,department,lineworks_user\r\n"
                   "a1,一,soumu,lw-a1\r\n"
                   "a2,\"二\r\n\r\n二\",kikaku,lw-a2\r\n"
                   "a3,三,総務,lw-a3\r\n"),
            (Errors{at(6) + "unknown department \"総務\""}));
}

TEST_F(CsvRoster, WrongColumnCount) {
  EXPECT_EQ(errors("id,name,department,lineworks_user\n"
                   "a1,一,soumu\n"
                   "a2,二,kikaku,lw-a2,extra\n"
                   "a3,三,soumu,lw-a3\n"),
            (Errors{at(2) + "expected 4 fields, found 3", at(3) + "expected 4 fields, found 5"}));
}

TEST_F(CsvRoster, EmptyRequiredCell) {
  EXPECT_EQ(
      errors("id,name,department,lineworks_user\n"
             "a1,,soumu,lw-a1\n"
             ",二,,lw-a2\n"),
      (Errors{at(2) + "empty \"name\"", at(3) + "empty \"id\"", at(3) + "empty \"department\""}));
}

TEST_F(CsvRoster, InvalidUtf8) {
  EXPECT_EQ(errors("id,name,department\n"
                   "a1,一,soumu\n"
                   "a2,\xE4\xB8,kikaku\n"    // truncated sequence
                   "a3,\xC0\xAF,kikaku\n"),  // overlong encoding of '/'
            (Errors{at(3) + "invalid UTF-8 in \"name\"", at(4) + "invalid UTF-8 in \"name\""}));
}

TEST_F(CsvRoster, UnclosedQuote) {
  EXPECT_EQ(errors("id,name,department\n"
                   "a1,一,soumu\n"
                   "a2,\"二,kikaku\n"
                   "a3,三,soumu\n"),
            (Errors{at(3) + "quoted field not closed before end of file"}));
}

TEST_F(CsvRoster, StrayQuotes) {
  EXPECT_EQ(errors("id,name,department\n"
                   "a1,\"一\"x,soumu\n"
                   "a2,二\",kikaku\n"
                   "a3,三,soumu\n"),
            (Errors{at(2) + "unexpected text after closing quote",
                    at(3) + "quote inside an unquoted field"}));
}

TEST_F(CsvRoster, HeaderProblems) {
  EXPECT_EQ(errors("id,氏名,department,mail\na1,一,soumu,x\n"),
            (Errors{at(1) + "unknown column \"氏名\" (expected id,name,department,lineworks_user)",
                    at(1) + "unknown column \"mail\" (expected id,name,department,lineworks_user)",
                    at(1) + "required column \"name\" missing"}));
  EXPECT_EQ(errors(""), (Errors{at(1) + "header row missing (expected "
                                        "id,name,department,lineworks_user)"}));
}

TEST_F(CsvRoster, DuplicateIdsAndUsersPointAtTheFirstLine) {
  EXPECT_EQ(errors("id,name,department,lineworks_user\n"
                   "a1,一,soumu,lw-1\n"
                   "a2,二,soumu,lw-2\n"
                   "a1,三,kikaku,lw-2\n"),
            (Errors{at(4) + "duplicate staff id \"a1\" (first at line 2)",
                    at(4) + "duplicate LINE WORKS user \"lw-2\" (first at line 3)"}));
}

TEST_F(CsvRoster, MissingCsvFile) {
  auto result = load_town(dir_ / "town.json");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(), (dir_ / "town.json").generic_string() +
                                              ": /roster: roster file \"roster.csv\" not found");
}

}  // namespace
