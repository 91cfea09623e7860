// Shell quoting for argv we print or hand to /bin/sh (a batch script's command, an engine
// argv a user copies into a terminal), so a word with spaces, quotes or `$` stays one word
// and nothing in it is expanded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace opskit {

/// `word` as one POSIX shell word: as it is when every character is plainly safe (letters,
/// digits, `_@%+=:,./-`), else in single quotes (a `'` inside written as `'\''`); `''` when empty.
std::string shell_quote(std::string_view word);

/// The words of `argv` quoted and joined by single spaces.
std::string shell_join(const std::vector<std::string>& argv);

}  // namespace opskit
