#pragma once
// Collecting the problems of a check into its report: every one counted, the first
// CheckReport::k_max_listed kept.

#include <chirp/maintenance.hpp>

#include <utility>

namespace chirp::detail {

class ProblemList {
public:
  explicit ProblemList(CheckReport& report) : m_report(report) {}

  void add(Problem problem) {
    ++m_report.problem_count;
    ++m_report.kind_counts[static_cast<std::size_t>(problem.kind)];
    if (m_report.problems.size() < CheckReport::k_max_listed) {
      m_report.problems.push_back(std::move(problem));
    }
  }

private:
  CheckReport& m_report;
};

}  // namespace chirp::detail
