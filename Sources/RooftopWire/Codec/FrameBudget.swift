import RooftopModel
import RooftopReplication

/// Cuts a run of changes into frames no decoder refuses (`sync-protocol/changeset-format.md#frame-bounds`):
/// at most ``ChangesetCodec/maxChangesPerFrame`` changes and ``ChangesetCodec/maxFramePayloadBytes``
/// bytes of *decompressed* payload per frame, whatever the compression ratio.
///
/// ```swift
/// var budget = FrameBudget()
/// for change in changes { guard budget.admit(change) else { break }; batch.append(change) }
/// ```
/// ``admit(_:)`` always admits the first change, so a frame is never empty; every later change
/// is admitted only while the frame's payload stays within the bound. The estimate is an upper
/// bound of the payload ``ChangesetCodec/encodePayload(_:)`` writes for the admitted changes.
public struct FrameBudget: Sendable {
    /// Most changes per frame.
    public let maxChanges: Int
    /// Most payload bytes (decompressed) per frame.
    public let maxPayloadBytes: Int
    /// Changes admitted so far.
    public private(set) var changes = 0
    /// Upper bound, in bytes, of the payload of the changes admitted so far (header included).
    public private(set) var payloadBytes = FrameBudget.headerBound
    private var names: Set<String> = []

    /// Magic, versions, the longest origin, the name and change counts.
    static let headerBound = 4 + 2 + 2 + 1 + 63 + 5 + 5

    /// - Parameters:
    ///   - maxChanges: most changes per frame (default 5,000).
    ///   - maxPayloadBytes: most decompressed payload bytes per frame (default 8 MiB).
    public init(maxChanges: Int = ChangesetCodec.maxChangesPerFrame, maxPayloadBytes: Int = ChangesetCodec.maxFramePayloadBytes) {
        self.maxChanges = max(1, maxChanges)
        self.maxPayloadBytes = maxPayloadBytes
    }

    /// Admits `change` into the frame when it fits (the first change always does).
    /// - Returns: false when the frame is full: `change` belongs to the next frame.
    public mutating func admit(_ change: RowChange) -> Bool {
        guard changes < maxChanges else { return false }
        var size = 10 + 1 + 3 + 16 + Self.varintSize(UInt64(change.fields.count))  // HLC delta, kind, table, row id, field count
        var added: [String] = []
        func name(_ n: String) {
            if !names.contains(n) && !added.contains(n) {
                added.append(n)
                size += Self.varintSize(UInt64(n.utf8.count)) + n.utf8.count
            }
        }
        name(change.table)
        for field in change.fields {
            name(field.name)
            size += 3 + Self.valueSize(field.value)
        }
        guard changes == 0 || payloadBytes + size <= maxPayloadBytes else { return false }
        changes += 1
        payloadBytes += size
        names.formUnion(added)
        return true
    }

    /// Encoded size of a value: its tag and payload, in bytes.
    public static func valueSize(_ value: FieldValue) -> Int {
        switch value {
        case .null: 1
        case .integer(let v): 1 + varintSize(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
        case .real: 9
        case .text(let s): 1 + varintSize(UInt64(s.utf8.count)) + s.utf8.count
        case .blob(let b): 1 + varintSize(UInt64(b.count)) + b.count
        }
    }

    static func varintSize(_ v: UInt64) -> Int {
        var n = 1, v = v
        while v >= 0x80 { v >>= 7; n += 1 }
        return n
    }
}
