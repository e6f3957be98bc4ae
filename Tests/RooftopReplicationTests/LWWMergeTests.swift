import PropertyBased
import RooftopModel
import RooftopReplication
import RooftopTesting
import Testing

/// Property tests of the LWW register and row merge: the order, grouping and repetition of
/// deliveries never change the merged state.
@Suite struct LWWMergeTests {
    static let row = RowID("0190f0a0-0000-7000-8000-000000000001")!
    static let origins = ["north", "south", "east"].map { RooftopID(rawValue: $0)! }
    static let fieldNames = ["firstName", "lastName", "email", "notes"]

    /// A random write: origin, HLC (small ranges so ties of HLC across origins happen), kind, fields.
    struct Write: Sendable, CustomStringConvertible {
        var origin: RooftopID
        var change: RowChange
        var description: String { "\(change.kind)@\(change.hlc)@\(origin) \(change.fields.map { "\($0.name)=\($0.value)" })" }
    }

    static let writeGen = zip(Gen.int(in: 0...2), Gen.int(in: 1...6), Gen.int(in: 0...15), Gen.bool(0.2),
                              Gen.int(in: 0...9).array(of: 4)).map { o, ms, mask, insert, values in
        let fields = fieldNames.enumerated().filter { mask & (1 << $0.offset) != 0 }.map { i, name in
            FieldChange(name, values[i] == 0 ? .null : .text("v\(values[i])"))
        }
        return Write(origin: origins[o], change: RowChange(table: "customer", rowID: row, hlc: HLC(milliseconds: UInt64(ms), counter: 0),
                                                          kind: insert ? .insert : .update, fields: fields))
    }

    /// Writes as replicas really make them: one origin never issues the same HLC twice
    /// (different origins may share an HLC).
    static let writesGen = writeGen.array(of: 1...12).map { writes in
        var seen = Set<FieldStamp>()
        return writes.filter { seen.insert(FieldStamp(hlc: $0.change.hlc, origin: $0.origin)).inserted }
    }

    static func merged(_ writes: [Write]) -> RowState {
        var state = RowState()
        for w in writes { state.apply(w.change, origin: w.origin) }
        return state
    }

    @Test func anyDeliveryOrderGivesTheSameRow() async {
        await propertyCheck(input: Self.writesGen, Gen.int(in: 0...10_000)) { writes, seed in
            var rng = SplitMix64(seed: UInt64(seed))
            #expect(Self.merged(writes) == Self.merged(writes.shuffled(using: &rng)))
        }
    }

    @Test func duplicatedDeliveriesChangeNothing() async {
        await propertyCheck(input: Self.writesGen, Gen.int(in: 0...10_000)) { writes, seed in
            var rng = SplitMix64(seed: UInt64(seed))
            let duplicated = (writes + writes.filter { _ in Bool.random(using: &rng) }).shuffled(using: &rng)
            #expect(Self.merged(writes) == Self.merged(duplicated))
        }
    }

    @Test func mergingReplicaStatesIsAssociative() async {
        // Three replicas each saw a part; folding their logs in either grouping converges.
        await propertyCheck(input: Self.writesGen) { all in
            let a = Array(all.prefix(4)), b = Array(all.dropFirst(4).prefix(4)), c = Array(all.dropFirst(8))
            let left = Self.merged(Self.merged(a + b).asWrites() + c)
            let right = Self.merged(a + Self.merged(b + c).asWrites())
            #expect(left == right)
        }
    }

    @Test func everyFieldHoldsTheValueOfItsGreatestStampedWrite() async {
        await propertyCheck(input: Self.writesGen) { writes in
            let state = Self.merged(writes)
            for name in Self.fieldNames {
                let winner = writes.filter { $0.change.fields.contains { $0.name == name } }
                    .max { FieldStamp(hlc: $0.change.hlc, origin: $0.origin) < FieldStamp(hlc: $1.change.hlc, origin: $1.origin) }
                #expect(state.values[name] == winner?.change.fields.first { $0.name == name }?.value)
            }
        }
    }

    @Test func sameHLCIsBrokenByRooftopID() {
        var state = RowState()
        let hlc = HLC(milliseconds: 10, counter: 0)
        state.apply(RowChange(table: "customer", rowID: Self.row, hlc: hlc, kind: .update, fields: [FieldChange("email", .text("s@x.io"))]),
                    origin: RooftopID(rawValue: "south")!)
        state.apply(RowChange(table: "customer", rowID: Self.row, hlc: hlc, kind: .update, fields: [FieldChange("email", .text("n@x.io"))]),
                    origin: RooftopID(rawValue: "north")!)
        #expect(state.values["email"] == .text("s@x.io"))  // "south" > "north"
    }

    @Test func updateAloneNeverMakesTheRowVisible() {
        var state = RowState()
        state.apply(RowChange(table: "customer", rowID: Self.row, hlc: HLC(milliseconds: 9, counter: 0), kind: .update,
                              fields: [FieldChange("email", .text("a@b.co"))]), origin: Self.origins[0])
        #expect(!state.isVisible)
        state.apply(RowChange(table: "customer", rowID: Self.row, hlc: HLC(milliseconds: 3, counter: 0), kind: .insert,
                              fields: [FieldChange("email", .text("old@b.co"))]), origin: Self.origins[1])
        #expect(state.isVisible)
        #expect(state.values["email"] == .text("a@b.co"))  // the later update still wins
    }
}

extension RowState {
    /// The state re-expressed as writes (one per stamp), as a replica forwards what it holds.
    func asWrites() -> [LWWMergeTests.Write] {
        var writes: [LWWMergeTests.Write] = []
        if let created {
            writes.append(.init(origin: created.origin, change: RowChange(table: "customer", rowID: LWWMergeTests.row, hlc: created.hlc,
                                                                          kind: .insert, fields: [])))
        }
        for (name, stamp) in stamps {
            writes.append(.init(origin: stamp.origin, change: RowChange(table: "customer", rowID: LWWMergeTests.row, hlc: stamp.hlc,
                                                                        kind: .update, fields: [FieldChange(name, values[name] ?? .null)])))
        }
        return writes
    }
}
