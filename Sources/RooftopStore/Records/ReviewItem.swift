import Foundation
import RooftopModel
import RooftopReplication

/// A change this rooftop made that never reached the hub and can no longer be offered to it,
/// kept for review (`sync-protocol/merge-rules.md#review-queue`): staff apply it again as a new
/// edit, or discard it.
///
/// JSON (`GET /api/sync/review`, `rooftop review list --json`):
/// ```json
/// {"id": "…", "reason": "ROW_PURGED", "detail": "…", "queuedAt": "2026-12-02T10:00:00.000Z",
///  "table": "customerPhone", "rowId": "…", "customerId": "…", "kind": "update", "origin": "north",
///  "hlc": 117708108595200000, "at": "2026-08-01T09:00:00.000Z", "fields": {"number": "+15550100001"}}
/// ```
public struct ReviewItem: Sendable, Equatable, Codable {
    public let id: RowID
    /// `ROW_PURGED` (the row, or its customer, was purged after the retention horizon) or
    /// `CUSTOMER_ERASED` (the customer was erased; the values are not kept).
    public let reason: String
    /// One line for staff, no personal data.
    public let detail: String
    /// When it was queued, RFC 3339 UTC.
    public let queuedAt: String
    /// The table and row the change was to.
    public let table: String
    public let rowId: RowID
    /// The customer it concerns (the row itself, or a child's parent), when known.
    public let customerId: RowID?
    /// `insert`, `update`, `delete` or `restore`.
    public let kind: String
    /// Where and when the edit was made: this rooftop, its HLC (raw 64-bit value) and time.
    public let origin: RooftopID
    public let hlc: UInt64
    public let at: String
    /// The values it wrote (JSON; empty for an erased customer).
    public let fields: [String: JSONValue]
}
