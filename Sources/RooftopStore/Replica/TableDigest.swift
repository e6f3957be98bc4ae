/// The content digest of one replicated table: equal digests mean equal content.
public struct TableDigest: Sendable, Equatable, Codable {
    /// The table (`customer`).
    public let table: String
    /// All rows, including rows whose insert has not arrived yet.
    public let rows: Int
    /// SHA-256, lower-case hex, over every row in id order: id, creation stamp, and each field's
    /// value and stamp (`sync-protocol/sync-exchange.md#digest`).
    public let sha256: String
}
