// bcp-wall: only wiring; everything else is in bcp_display.
#include <cstdio>
#include <string>
#include <vector>

#include "bcp/display/app.hpp"
#include "bcp/display/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = bcp::display::parse_args(args);
  if (auto* help = std::get_if<bcp::display::Help>(&parsed)) {
    std::fputs(help->text.c_str(), stdout);
    return 0;
  }
  if (auto* err = std::get_if<bcp::display::CliError>(&parsed)) {
    std::fprintf(stderr, "bcp-wall: %s\n", err->message.c_str());
    return 2;
  }
  return bcp::display::run_wall(std::get<bcp::display::Options>(parsed));
}
