/// Keys of what the sync client records in the replica's `syncState` table.
public enum SyncStateKeys {
    /// The hub's version-vector entry for this rooftop at the last exchange (raw HLC).
    public static let hubAcked = "hubAcked"
    /// Unix ms of the last successful sync.
    public static let lastSyncAt = "lastSyncAt"
    /// Unix ms of the last attempt, successful or not.
    public static let lastAttemptAt = "lastAttemptAt"
    /// The last failure (`HUB_UNREACHABLE: ...`), removed by a successful sync.
    public static let lastError = "lastError"
    /// The stable code of the last failure (`CLOCK_SKEW`).
    public static let lastErrorCode = "lastErrorCode"
    /// The newest of this rooftop's changes the hub named as ignored (row purged) and that were
    /// queued for review here (raw HLC): sent as `hello?ignoredAfter=`.
    public static let hubIgnoredSeen = "hubIgnoredSeen"
    /// Hub clock minus local clock at the last contact, ms.
    public static let clockOffsetMs = "clockOffsetMs"
}
