/// Progress of a pull (a bootstrap is a long one), reported after each applied changeset and,
/// during a snapshot download, after each chunk received.
public struct SyncProgress: Sendable, Equatable {
    /// Changes received so far in this sync.
    public var pulled: Int
    /// Changes the hub still holds beyond the current answer (from `Rooftop-Remaining`).
    public var remaining: Int

    /// While a snapshot is downloaded: bytes on disk so far (0 otherwise).
    public var snapshotBytes: Int
    /// While a snapshot is downloaded: its size in bytes (0 otherwise).
    public var snapshotTotalBytes: Int

    public init(pulled: Int, remaining: Int, snapshotBytes: Int = 0, snapshotTotalBytes: Int = 0) {
        self.pulled = pulled
        self.remaining = remaining
        self.snapshotBytes = snapshotBytes
        self.snapshotTotalBytes = snapshotTotalBytes
    }

    /// Whether this reports a snapshot download (bytes) rather than changes applied.
    public var isSnapshotDownload: Bool { snapshotTotalBytes > 0 }

    /// 0...1: `snapshotBytes / snapshotTotalBytes` during a snapshot download, else `pulled / (pulled + remaining)`.
    public var fraction: Double {
        if isSnapshotDownload { return Double(snapshotBytes) / Double(snapshotTotalBytes) }
        return pulled + remaining == 0 ? 1 : Double(pulled) / Double(pulled + remaining)
    }
}
