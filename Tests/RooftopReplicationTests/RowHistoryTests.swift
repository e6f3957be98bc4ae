import PropertyBased
import RooftopModel
import RooftopReplication
import RooftopTesting
import Testing

/// The tombstone rules (`sync-protocol/merge-rules.md#tombstones`), as properties and cases.
@Suite struct RowHistoryTests {
    static let row = RowID("0190f0a0-0000-7000-8000-000000000002")!
    static let north = RooftopID(rawValue: "north")!, south = RooftopID(rawValue: "south")!, east = RooftopID(rawValue: "east")!

    static func entry(_ origin: RooftopID, _ ms: UInt64, _ kind: RowChange.Kind, _ fields: [FieldChange] = [],
                      context: VersionVector? = nil) -> RowHistory.Entry {
        var fields = fields
        if kind == .delete { fields = [FieldChange(RowChange.contextField, .blob((context ?? VersionVector()).encoded()))] }
        return RowHistory.Entry(origin: origin, change: RowChange(table: "customer", rowID: row, hlc: HLC(milliseconds: ms, counter: 0),
                                                                  kind: kind, fields: fields))
    }

    static func set(_ name: String, _ value: String) -> [FieldChange] { [FieldChange(name, .text(value))] }

    @Test func deleteWinsOverAnEditItDidNotKnowAndReportsIt() {
        let insert = Self.entry(Self.north, 1, .insert, Self.set("notes", "a"))
        let known = Self.entry(Self.north, 2, .update, Self.set("notes", "b"))
        let concurrent = Self.entry(Self.south, 5, .update, Self.set("notes", "south edit"))  // later HLC, but unknown to the delete
        let delete = Self.entry(Self.north, 4, .delete, context: VersionVector([Self.north: HLC(milliseconds: 2, counter: 0)]))
        let (state, conflicts) = RowHistory.fold([insert, known, concurrent, delete])
        #expect(!state.isVisible)
        #expect(state.deleted == delete.stamp)
        #expect(state.values["notes"] == .text("b"))  // the losing edit is not applied
        #expect(conflicts.map(\.edit) == [concurrent])
        #expect(conflicts.first?.tombstone == delete.stamp)
    }

    @Test func editsKnownToTheDeleteAreHistoryNotConflicts() {
        let insert = Self.entry(Self.north, 1, .insert, Self.set("notes", "a"))
        let southEdit = Self.entry(Self.south, 2, .update, Self.set("notes", "b"))
        let delete = Self.entry(Self.north, 3, .delete, context: VersionVector([Self.north: HLC(milliseconds: 1, counter: 0), Self.south: HLC(milliseconds: 2, counter: 0)]))
        #expect(RowHistory.fold([insert, southEdit, delete]).conflicts.isEmpty)
    }

    @Test func restoreBringsTheRowBackWithItsPreDeleteValuesAndLaterEditsApply() {
        let insert = Self.entry(Self.north, 1, .insert, Self.set("notes", "a"))
        let lost = Self.entry(Self.south, 2, .update, Self.set("notes", "lost"))
        let delete = Self.entry(Self.north, 3, .delete, context: VersionVector([Self.north: HLC(milliseconds: 1, counter: 0)]))
        let restore = Self.entry(Self.east, 4, .restore)
        let after = Self.entry(Self.south, 5, .update, Self.set("email", "x@y.co"))
        let (state, conflicts) = RowHistory.fold([after, restore, delete, lost, insert])
        #expect(state.isVisible)
        #expect(state.values["notes"] == .text("a"))
        #expect(state.values["email"] == .text("x@y.co"))
        #expect(conflicts.map(\.edit) == [lost])
        #expect(state.tombstoned)
    }

    @Test func twoRooftopsDeletingTheSameRowConvergeOnTheLaterTombstone() {
        let insert = Self.entry(Self.north, 1, .insert, Self.set("notes", "a"))
        let context = VersionVector([Self.north: HLC(milliseconds: 1, counter: 0)])
        let d1 = Self.entry(Self.north, 3, .delete, context: context), d2 = Self.entry(Self.south, 3, .delete, context: context)
        let a = RowHistory.fold([insert, d1, d2]).state, b = RowHistory.fold([d2, insert, d1]).state
        #expect(a == b)
        #expect(a.deleted == d2.stamp)  // equal HLC: "south" > "north"
    }

    @Test func aDeleteAfterARestoreDeletesAgain() {
        let insert = Self.entry(Self.north, 1, .insert)
        let d1 = Self.entry(Self.north, 2, .delete, context: VersionVector([Self.north: HLC(milliseconds: 1, counter: 0)]))
        let r = Self.entry(Self.south, 3, .restore)
        let d2 = Self.entry(Self.north, 4, .delete, context: VersionVector([Self.north: HLC(milliseconds: 2, counter: 0), Self.south: HLC(milliseconds: 3, counter: 0)]))
        #expect(!RowHistory.fold([insert, d1, r, d2]).state.isVisible)
        #expect(RowHistory.fold([insert, d1, r]).state.isVisible)
    }

    // MARK: - properties

    static let origins = [north, south, east]
    static let historyGen = zip(Gen.int(in: 0...2), Gen.int(in: 1...8), Gen.int(in: 0...9), Gen.int(in: 0...3), Gen.int(in: 0...9))
        .map { o, ms, kindRoll, field, value -> RowHistory.Entry in
            let kind: RowChange.Kind = kindRoll == 0 ? .insert : kindRoll == 1 ? .delete : kindRoll == 2 ? .restore : .update
            let context = VersionVector([origins[(o + 1) % 3]: HLC(milliseconds: UInt64(value % 8), counter: 0),
                                         origins[o]: HLC(milliseconds: UInt64(ms), counter: 0)])
            return entry(origins[o], UInt64(ms), kind, [FieldChange(["notes", "email", "status", "occupation"][field], .text("v\(value)"))],
                         context: context)
        }.array(of: 1...14).map { entries in
            var seen = Set<FieldStamp>()
            return entries.filter { seen.insert($0.stamp).inserted }
        }

    @Test func foldIsIndependentOfOrderAndDuplicates() async {
        await propertyCheck(input: Self.historyGen, Gen.int(in: 0...100_000)) { history, seed in
            var random = SplitMix64(seed: UInt64(seed))
            let shuffled = (history + history.filter { _ in Bool.random(using: &random) }).shuffled(using: &random)
            let a = RowHistory.fold(history), b = RowHistory.fold(shuffled)
            #expect(a.state == b.state)
            #expect(a.conflicts == b.conflicts)
        }
    }

    @Test func withoutDeletesFoldEqualsIncrementalLWW() async {
        await propertyCheck(input: Self.historyGen) { history in
            let noLifecycle = history.filter { !$0.change.kind.isLifecycle }
            var incremental = RowState()
            for entry in noLifecycle { incremental.apply(entry.change, origin: entry.origin) }
            #expect(RowHistory.fold(noLifecycle).state == incremental)
        }
    }

    @Test func theRowIsDeletedExactlyWhenItsLatestLifecycleChangeIsADelete() async {
        await propertyCheck(input: Self.historyGen) { history in
            let state = RowHistory.fold(history).state
            let last = history.filter { $0.change.kind.isLifecycle }.max { $0.stamp < $1.stamp }
            #expect((state.deleted != nil) == (last?.change.kind == .delete))
            #expect(state.tombstoned == history.contains { $0.change.kind == .delete })
        }
    }

    // MARK: - children follow their parent (merge-rules.md#deletes-cover-children)

    static let parentRow = RowID("0190f0a0-0000-7000-8000-0000000000aa")!

    static func parentEntry(_ origin: RooftopID, _ ms: UInt64, _ kind: RowChange.Kind, context: VersionVector? = nil) -> RowHistory.Entry {
        let fields = kind == .delete ? [FieldChange(RowChange.contextField, .blob((context ?? VersionVector()).encoded()))] : []
        return RowHistory.Entry(origin: origin, change: RowChange(table: "customer", rowID: parentRow, hlc: HLC(milliseconds: ms, counter: 0),
                                                                  kind: kind, fields: fields))
    }

    @Test func aChildInsertUnknownToTheParentsDeleteLosesKeepsOnlyItsParentAndARestoreDoesNotReviveIt() {
        let insert = Self.entry(Self.south, 5, .insert, [FieldChange("customerId", .text(Self.parentRow.string)), FieldChange("number", .text("+15550100001"))])
        let parentDelete = Self.parentEntry(Self.north, 4, .delete, context: VersionVector([Self.north: HLC(milliseconds: 3, counter: 0)]))
        let parentRestore = Self.parentEntry(Self.north, 9, .restore)
        let (state, conflicts) = RowHistory.fold([insert], parent: [parentDelete, parentRestore], parentField: "customerId")
        #expect(!state.isVisible)
        #expect(state.values == ["customerId": .text(Self.parentRow.string)])
        #expect(conflicts == [RowHistory.Conflict(edit: insert, tombstone: parentDelete.stamp, byParent: true)])
        // Made after the restore (by someone who saw it): applies.
        let later = Self.entry(Self.south, 10, .insert, insert.change.fields)
        #expect(RowHistory.fold([later], parent: [parentDelete, parentRestore], parentField: "customerId").state.isVisible)
        // Known to the delete: history, not a conflict.
        let known = Self.parentEntry(Self.north, 6, .delete, context: VersionVector([Self.south: HLC(milliseconds: 5, counter: 0)]))
        #expect(RowHistory.fold([insert], parent: [known], parentField: "customerId").conflicts.isEmpty)
    }

    static let parentGen = zip(Gen.int(in: 0...2), Gen.int(in: 1...8), Gen.int(in: 0...2), Gen.int(in: 0...9))
        .map { o, ms, kindRoll, value -> RowHistory.Entry in
            parentEntry(origins[o], UInt64(ms), kindRoll == 0 ? .restore : .delete,
                        context: VersionVector([origins[(o + 1) % 3]: HLC(milliseconds: UInt64(value % 8), counter: 0)]))
        }.array(of: 0...4).map { entries in
            var seen = Set<FieldStamp>()
            return entries.filter { seen.insert($0.stamp).inserted }
        }

    @Test func aChildsFoldIsIndependentOfTheOrderAndDuplicatesOfItsOwnAndItsParentsChanges() async {
        await propertyCheck(input: Self.historyGen, Self.parentGen, Gen.int(in: 0...100_000)) { history, parent, seed in
            var random = SplitMix64(seed: UInt64(seed))
            let shuffled = (history + history.filter { _ in Bool.random(using: &random) }).shuffled(using: &random)
            let parentShuffled = (parent + parent.filter { _ in Bool.random(using: &random) }).shuffled(using: &random)
            let a = RowHistory.fold(history, parent: parent, parentField: "notes")
            let b = RowHistory.fold(shuffled, parent: parentShuffled, parentField: "notes")
            #expect(a.state == b.state)
            #expect(a.conflicts == b.conflicts)
        }
    }

    @Test func aParentWithoutADeleteChangesNothingOfItsChildren() async {
        await propertyCheck(input: Self.historyGen, Self.parentGen) { history, parent in
            let restoresOnly = parent.filter { $0.change.kind == .restore }
            #expect(RowHistory.fold(history, parent: restoresOnly, parentField: "notes") == RowHistory.fold(history))
        }
    }

    @Test func versionVectorBinaryFormRoundTrips() {
        let vector = VersionVector([Self.north: HLC(rawValue: 123_456_789), Self.east: HLC(rawValue: 1)])
        #expect(VersionVector(encoded: vector.encoded()) == vector)
        #expect(VersionVector(encoded: [5, 0x61]) == nil)
    }
}

/// Seed 83 of the soak: replicas listed different conflicts once one had compacted the superseded
/// values of a losing edit. A conflict lists only what the delete cost.
@Suite struct ConflictListingTests {
    typealias T = RowHistoryTests

    @Test func aConflictListsOnlyFieldsALaterWriteDidNotWinAnyway() {
        let insert = T.entry(T.north, 1, .insert, T.set("notes", "a"))
        let lost = T.entry(T.south, 2, .update, [FieldChange("notes", .text("south")), FieldChange("occupation", .text("Chef"))])
        let later = T.entry(T.east, 3, .update, T.set("occupation", "Nurse"))
        let delete = T.entry(T.north, 4, .delete, context: VersionVector([T.north: HLC(milliseconds: 1, counter: 0), T.east: HLC(milliseconds: 3, counter: 0)]))
        let conflicts = RowHistory.fold([insert, lost, later, delete]).conflicts
        #expect(conflicts.map(\.edit.change.fields) == [[FieldChange("notes", .text("south"))]])
        // What compaction may drop (occupation, superseded) changes nothing in the listing.
        let compacted = T.entry(T.south, 2, .update, T.set("notes", "south"))
        #expect(RowHistory.fold([insert, compacted, later, delete]).conflicts.map(\.edit.change.fields) == conflicts.map(\.edit.change.fields))
        // An edit whose every field was superseded cost nothing: no conflict.
        let superseded = T.entry(T.south, 2, .update, T.set("occupation", "Chef"))
        #expect(RowHistory.fold([insert, superseded, later, delete]).conflicts.isEmpty)
    }
}
