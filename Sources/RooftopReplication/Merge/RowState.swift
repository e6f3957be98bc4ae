import RooftopModel

/// The replicated state of one row: its field values, the stamp of each field's winning write,
/// and the stamp of its creation.
///
/// Merging is per field, last writer wins by ``FieldStamp`` order, so applying the same changes
/// in any order, any number of times, gives the same state (commutative, associative,
/// idempotent). See `sync-protocol/merge-rules.md`.
public struct RowState: Hashable, Sendable {
    /// The insert's stamp; nil while only updates have arrived (the row is invisible).
    public var created: FieldStamp?
    /// The tombstone in force: the stamp of the row's latest lifecycle change when that is a
    /// delete; nil when the row was never deleted or was restored since.
    public var deleted: FieldStamp?
    /// True once any delete is in the row's history: from then on every remote change to the row
    /// is merged by ``RowHistory/fold(_:)``.
    public var tombstoned: Bool = false
    /// Field name → current value.
    public var values: [String: FieldValue]
    /// Field name → stamp of the write that set the current value.
    public var stamps: [String: FieldStamp]

    public init(created: FieldStamp? = nil, deleted: FieldStamp? = nil, values: [String: FieldValue] = [:],
                stamps: [String: FieldStamp] = [:]) {
        self.created = created
        self.deleted = deleted
        self.values = values
        self.stamps = stamps
    }

    /// True once the row's insert has been applied and while no tombstone is in force.
    public var isVisible: Bool { created != nil && deleted == nil }

    /// Merges one insert or update written by `origin`: the fast path for a row whose history
    /// holds no delete. Rows with a delete in their history are rebuilt with ``RowHistory/fold(_:)``.
    /// - Returns: the names of the fields whose value or stamp changed (empty when the change
    ///   was already known or lost every field).
    @discardableResult
    public mutating func apply(_ change: RowChange, origin: RooftopID) -> [String] {
        guard change.kind == .insert || change.kind == .update else { return [] }
        let stamp = FieldStamp(hlc: change.hlc, origin: origin)
        if change.kind == .insert {
            // Ids are unique per insert; should two inserts meet, the earliest is the creation.
            if created == nil || stamp < created! { created = stamp }
        }
        var won: [String] = []
        for field in change.fields where LWWRegister.wins(stamp, over: stamps[field.name]) {
            values[field.name] = field.value
            stamps[field.name] = stamp
            won.append(field.name)
        }
        return won
    }
}

/// The last-writer-wins register rule.
///
/// Source: Shapiro et al., "A comprehensive study of Convergent and Commutative Replicated
/// Data Types" (INRIA RR-7506, 2011), §3.2.1 LWW-Register.
public enum LWWRegister {
    /// True when a write stamped `incoming` replaces a value stamped `current` (nil: never written).
    /// Equal stamps are the same write, so re-applying it changes nothing.
    @inlinable
    public static func wins(_ incoming: FieldStamp, over current: FieldStamp?) -> Bool {
        guard let current else { return true }
        return current < incoming
    }
}
