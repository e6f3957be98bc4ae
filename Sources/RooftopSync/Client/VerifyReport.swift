import RooftopReplication

/// What `rooftop sync verify` found: this replica compared with the hub, table by table and row
/// by row, and each row checked against the fold of its own change log.
public struct VerifyReport: Codable, Sendable, Equatable {
    /// A table whose content differs from the hub's.
    public struct TableDifference: Codable, Sendable, Equatable {
        public var table: String
        public var localRows: Int
        public var hubRows: Int
        /// Row ids whose content differs or that only one side holds (at most 100 listed).
        public var rows: [String]
    }

    /// True when both replicas had seen the same changes when compared.
    public var comparable: Bool
    /// Tables that differ from the hub (empty: in sync).
    public var differences: [TableDifference]
    /// Rows of this replica whose stored content is not what its change log says (`table/id`):
    /// edited outside Rooftop, or corrupted.
    public var rowsNotMatchingTheirHistory: [String]
    /// Rows compared in all.
    public var rows: Int

    public var inSync: Bool { comparable && differences.isEmpty && rowsNotMatchingTheirHistory.isEmpty }
}
