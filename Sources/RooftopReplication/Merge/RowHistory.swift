import RooftopModel

/// The complete merge of one row from every change ever made to it, deletes and restores
/// included. Deterministic: the result depends only on the set of changes, not their order or
/// repetition.
///
/// Rules (`sync-protocol/merge-rules.md#tombstones`, `#deletes-cover-children`):
/// - The row exists from its earliest insert. Its lifecycle is the latest (by stamp) delete or
///   restore: a delete in force hides it; a restore with a later stamp brings it back.
/// - An update *loses* to a delete when the delete's context (the deleter's version vector) does
///   not include it and no restore lies between that delete and the update (by stamp). A losing
///   update is not applied to any field; it is reported as a ``Conflict``.
/// - A child record (a phone, an address, a tag element, a loyalty event, an interaction, a vehicle
///   link) also inherits its parent's deletes and restores: an insert or update of the child loses
///   to a parent delete that did not know it, unless a parent restore lies between them. A losing
///   insert leaves the child invisible for good (a restore of the parent does not revive it); only
///   its parent field is kept, so the child stays attached to its parent.
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
        /// The losing insert or update (who: its origin; when: its HLC; what: its fields).
        public let edit: Entry
        /// The stamp of the delete it lost to.
        public let tombstone: FieldStamp
        /// True when that delete was of the row's parent (a child edit made without knowledge of
        /// the parent's delete), false when it was of the row itself.
        public let byParent: Bool

        public init(edit: Entry, tombstone: FieldStamp, byParent: Bool = false) {
            self.edit = edit
            self.tombstone = tombstone
            self.byParent = byParent
        }

        /// The conflict without the fields a later applied write won anyway (the delete did not
        /// cost them); nil when nothing is left of an update. This is what retention may drop from
        /// the log (`sync-protocol/merge-rules.md#retention`), so the listing is the same on every
        /// replica whatever each has compacted.
        func withoutSuperseded(by state: RowState) -> Conflict? {
            let stamp = edit.stamp
            var change = edit.change
            change.fields = change.fields.filter { field in state.stamps[field.name].map { $0 <= stamp } ?? true }
            if change.fields.isEmpty && change.kind == .update { return nil }
            return Conflict(edit: Entry(origin: edit.origin, change: change), tombstone: tombstone, byParent: byParent)
        }
    }

    /// The deletes and restores of one row (its own, or its parent's), for deciding which edits lose.
    struct Lifecycle {
        /// Each delete's stamp and context, in stamp order.
        var deletes: [(stamp: FieldStamp, context: VersionVector)] = []
        /// Each restore's stamp, in stamp order.
        var restores: [FieldStamp] = []

        init(_ ordered: [Entry]) {
            for entry in ordered {
                switch entry.change.kind {
                case .delete: deletes.append((entry.stamp, entry.change.deleteContext))
                case .restore: restores.append(entry.stamp)
                default: break
                }
            }
        }

        /// The first delete that `entry` loses to: one that did not know it, with no restore
        /// between that delete and the entry.
        func tombstone(beating entry: Entry) -> FieldStamp? {
            let stamp = entry.stamp
            return deletes.first { delete in
                delete.context[entry.origin] < entry.change.hlc && !restores.contains { $0 > delete.stamp && $0 < stamp }
            }?.stamp
        }
    }

    /// Folds a row's history.
    /// - Parameters:
    ///   - entries: every change to the row, in any order; duplicates are ignored.
    ///   - parent: for a child record, its parent's changes (only deletes and restores matter;
    ///     others are ignored), in any order; empty for a row without a parent or whose parent
    ///     never had a delete.
    ///   - parentField: the child's field naming its parent (`customerId`), kept from a losing insert.
    /// - Returns: the row state and the losing edits, oldest first.
    public static func fold(_ entries: [Entry], parent: [Entry] = [], parentField: String? = nil) -> (state: RowState, conflicts: [Conflict]) {
        let ordered = unique(entries)
        let own = Lifecycle(ordered)
        let inherited = Lifecycle(unique(parent.filter { $0.change.kind.isLifecycle }))

        var state = RowState()
        var conflicts: [Conflict] = []
        for entry in ordered {
            switch entry.change.kind {
            case .delete, .restore, .purge, .erase:
                continue
            case .insert, .update:
                if let lostTo = inherited.tombstone(beating: entry) {
                    conflicts.append(Conflict(edit: entry, tombstone: lostTo, byParent: true))
                    if entry.change.kind == .insert, let parentField, let field = entry.change.fields.first(where: { $0.name == parentField }) {
                        // The child stays attached to its parent (found when the parent's lifecycle changes), invisible.
                        var attach = entry.change
                        attach.kind = .update
                        attach.fields = [field]
                        state.apply(attach, origin: entry.origin)
                    }
                } else if entry.change.kind == .update, let lostTo = own.tombstone(beating: entry) {
                    conflicts.append(Conflict(edit: entry, tombstone: lostTo))
                } else {
                    state.apply(entry.change, origin: entry.origin)
                }
            }
        }
        if let last = ordered.last(where: { $0.change.kind.isLifecycle }), last.change.kind == .delete {
            state.deleted = last.stamp
        }
        state.tombstoned = !own.deletes.isEmpty
        return (state, conflicts.compactMap { $0.withoutSuperseded(by: state) })
    }

    /// The entries without duplicates (same stamp = same change), in stamp order.
    static func unique(_ entries: [Entry]) -> [Entry] {
        var unique: [FieldStamp: Entry] = [:]
        for entry in entries { unique[entry.stamp] = entry }
        return unique.values.sorted { $0.stamp < $1.stamp }
    }
}
