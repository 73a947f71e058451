// dvic_log: log from a demo process to a file the DVIC desktop agent ships.
// Header-only C++17; see client-libs/spec/FORMAT.md for the file format.
//
//   #include <dvic_log/dvic_log.hpp>
//   dvic_log::Logger log({/*demo=*/"robot-arm"});
//   log.info("arm homed", {{"axis", 3}, {"ms", 41.5}});
#pragma once

#include "encoding.hpp"
#include "log_file.hpp"
#include "logger.hpp"
#include "process_info.hpp"

namespace dvic_log {

/// A process-wide logger, created on first use with $DVIC_LOG_DEMO as demo name
/// and closed (flushed) when static objects are destroyed at exit.
inline Logger& default_logger() {
  static Logger logger([] {
    Options options;
    if (const char* demo = std::getenv("DVIC_LOG_DEMO"); demo && *demo) options.demo = demo;
    return options;
  }());
  return logger;
}

}  // namespace dvic_log
