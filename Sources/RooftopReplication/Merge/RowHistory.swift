import RooftopModel

/// The complete merge of one row from every change ever made to it, deletes and restores
/// included. Deterministic: the result depends only on the set of changes, not their order or
/// repetition.
///
/// Rules (`sync-protocol/merge-rules.md#tombstones`):
/// - The row exists from its earliest insert. Its lifecycle is the latest (by stamp) delete or
///   restore: a delete in force hides it; a restore with a later stamp brings it back.
/// - An update *loses* to a delete when the delete's context (the deleter's version vector) does
///   not include it and no restore lies between that delete and the update (by stamp). A losing
///   update is not applied to any field; it is reported as a ``Conflict``.
/// - Every other insert and update is merged field by field, last writer wins (``LWWRegister``).
public enum RowHistory {
    /// One change and the rooftop that made it.
    public struct Entry: Hashable, Sendable {
        public let origin: RooftopID
        public let change: RowChange
        public init(origin: RooftopID, change: RowChange) {
            self.origin = origin
            self.change = change
        }
        public var stamp: FieldStamp { FieldStamp(hlc: change.hlc, origin: origin) }
    }

    /// An edit that lost to a delete it did not know of.
    public struct Conflict: Hashable, Sendable {
        /// The losing update (who: its origin; when: its HLC; what: its fields).
        public let edit: Entry
        /// The stamp of the delete it lost to.
        public let tombstone: FieldStamp
    }

    /// Folds a row's history.
    /// - Parameter entries: every change to the row, in any order; duplicates are ignored.
    /// - Returns: the row state and the losing edits, oldest first.
    public static func fold(_ entries: [Entry]) -> (state: RowState, conflicts: [Conflict]) {
        var unique: [FieldStamp: Entry] = [:]
        for entry in entries { unique[entry.stamp] = entry }
        let ordered = unique.values.sorted { $0.stamp < $1.stamp }
        let deletes = ordered.filter { $0.change.kind == .delete }.map { ($0.stamp, $0.change.deleteContext) }
        let restores = ordered.filter { $0.change.kind == .restore }.map(\.stamp)

        var state = RowState()
        var conflicts: [Conflict] = []
        for entry in ordered {
            switch entry.change.kind {
            case .delete, .restore, .purge, .erase:
                continue
            case .insert:
                state.apply(entry.change, origin: entry.origin)
            case .update:
                let stamp = entry.stamp
                let lostTo = deletes.first { delete, context in
                    context[entry.origin] < entry.change.hlc
                        && !restores.contains { $0 > delete && $0 < stamp }
                }
                if let lostTo {
                    conflicts.append(Conflict(edit: entry, tombstone: lostTo.0))
                } else {
                    state.apply(entry.change, origin: entry.origin)
                }
            }
        }
        if let last = ordered.last(where: { $0.change.kind.isLifecycle }), last.change.kind == .delete {
            state.deleted = last.stamp
        }
        state.tombstoned = !deletes.isEmpty
        return (state, conflicts)
    }
}
