// Private: the versioned schema of the crctl store. Each step upgrades user_version by one;
// an applied step is never edited, a change is a new step.
#pragma once

struct sqlite3;

namespace opskit::cr::detail {

/// The schema version this build writes.
int current_schema_version();

/// SQL of step `version` (1-based): upgrades from version-1 to version.
const char* migration_sql(int version);

/// `PRAGMA application_id` of a crctl store ('crcl').
inline constexpr int application_id = 0x6372636c;

}  // namespace opskit::cr::detail
