// C++ dvic_log benchmark: one JSON result per line on stdout.
// usage: bench_cpp throughput THREADS LINES_PER_THREAD REPS DIR
//        bench_cpp call SAMPLES REPS DIR
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <dvic_log/dvic_log.hpp>

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kNoRotation = std::size_t{1} << 40;  // the count of written lines must see every line

/// Lines written and lines dropped as reported in one file.
std::pair<long, long> count(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  long written = 0, dropped = 0;
  const std::string report = "\"msg\":\"dvic_log dropped ";
  while (std::getline(in, line)) {
    const auto at = line.find(report);
    if (at == std::string::npos) {
      ++written;
    } else {
      dropped += std::stol(line.substr(at + report.size()));
    }
  }
  return {written, dropped};
}

void throughput(int threads, int per_thread, const std::string& dir) {
  dvic_log::Options options;
  options.dir = dir;
  options.demo = "bench";
  options.max_file_bytes = kNoRotation;
  const auto start = Clock::now();
  dvic_log::Logger logger(options);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&logger, t, per_thread] {
      for (int i = 0; i < per_thread; ++i) logger.info("bench line", {{"t", t}, {"i", i}});
    });
  }
  for (auto& w : workers) w.join();
  logger.close();  // includes writing everything that was accepted
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const auto [written, dropped] = count(logger.path());
  const auto unreported = logger.dropped();
  std::remove(logger.path().c_str());
  std::printf("{\"threads\":%d,\"lines\":%ld,\"dropped\":%ld,\"seconds\":%.6f,\"lines_per_s\":%.1f}\n", threads, written,
              dropped + static_cast<long>(unreported.buffer_full + unreported.write_failed), seconds, written / seconds);
}

/// Median over batches of 100 calls, divided by 100: keeps the timer's own cost out.
void call_median(int samples, const std::string& dir) {
  dvic_log::Options options;
  options.dir = dir;
  options.max_file_bytes = kNoRotation;
  options.buffer_bytes = 64u << 20;
  dvic_log::Logger logger(options);
  for (int i = 0; i < 20000; ++i) logger.info("warm up", {{"i", i}});
  std::vector<double> batches;
  for (int b = 0; b < samples / 100; ++b) {
    const auto start = Clock::now();
    for (int i = 0; i < 100; ++i) logger.info("bench line", {{"t", 0}, {"i", i}});
    batches.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count() / 100);
  }
  logger.close();
  std::remove(logger.path().c_str());
  std::nth_element(batches.begin(), batches.begin() + batches.size() / 2, batches.end());
  std::printf("{\"call_median_ns\":%.1f}\n", batches[batches.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 5 && args[0] == "throughput") {
    for (int r = 0; r < std::stoi(args[3]); ++r) throughput(std::stoi(args[1]), std::stoi(args[2]), args[4]);
  } else if (args.size() == 4 && args[0] == "call") {
    for (int r = 0; r < std::stoi(args[2]); ++r) call_median(std::stoi(args[1]), args[3]);
  } else {
    std::fprintf(stderr, "usage: bench_cpp throughput THREADS LINES_PER_THREAD REPS DIR | call SAMPLES REPS DIR\n");
    return 2;
  }
  std::fflush(stdout);
  return 0;
}
