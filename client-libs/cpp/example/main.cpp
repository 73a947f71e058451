#include <dvic_log/dvic_log.hpp>

int main() {
  dvic_log::Logger log({"robot-arm"});
  log.info("arm homed", {{"axis", 3}, {"ms", 41.5}});
  return 0;
}
