// The hidden `__complete` verb: shell completion scripts pass it the words typed so far and
// it answers with candidates, one per line, by walking the same CLI11 tree that parses the
// command line — so completions can never go stale against the real options.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace opskit::cli {
class Context;

/// Answers `TOOL __complete [--] WORDS…`: prints the candidates, one per line. The wrapper
/// calls it before normal parsing, since the words are a half-typed command line, not ours.
int run_completion(CLI::App& app, Context& ctx, const std::vector<std::string>& words);

/// Candidates for the last of `words` (the word being completed, may be empty);
/// `words` excludes the tool's own name.
std::vector<std::string> complete_words(CLI::App& app, Context& ctx, const std::vector<std::string>& words);
}  // namespace opskit::cli
