import PropertyBased
import RooftopReplication
import RooftopTesting
import Testing

@Suite struct LoyaltyLedgerTests {
    static let origins = ["north", "south", "east"].map { RooftopID(rawValue: $0)! }
    static let eventsGen = zip(Gen.int(in: 0...2), Gen.int(in: 1...50), Gen.bool(0.5), Gen.int(in: 1...100))
        .map { o, ms, redeem, points in
            LoyaltyLedger.Event(stamp: FieldStamp(hlc: HLC(milliseconds: UInt64(ms), counter: 0), origin: origins[o]),
                                kind: redeem ? .redeem : .add, points: Int64(points))
        }.array(of: 0...25).map { events in
            var seen = Set<FieldStamp>()
            return events.filter { seen.insert($0.stamp).inserted }
        }

    @Test func theBalanceNeverGoesNegativeAndEqualsAcceptedAddsMinusAcceptedRedemptions() async {
        await propertyCheck(input: Self.eventsGen) { events in
            let outcome = LoyaltyLedger.replay(events)
            #expect(outcome.balance >= 0)
            let adds = events.filter { $0.kind == .add }.reduce(0) { $0 + $1.points }
            let redeemed = events.filter { $0.kind == .redeem && !outcome.declined.contains($0.stamp) }.reduce(0) { $0 + $1.points }
            #expect(outcome.balance == adds - redeemed)
            #expect(outcome.declined.allSatisfy { stamp in events.contains { $0.stamp == stamp && $0.kind == .redeem } })
        }
    }

    @Test func replayIgnoresArrivalOrderAndDuplicates() async {
        await propertyCheck(input: Self.eventsGen, Gen.int(in: 0...100_000)) { events, seed in
            var random = SplitMix64(seed: UInt64(seed))
            let scrambled = (events + events.filter { _ in Bool.random(using: &random) }).shuffled(using: &random)
            #expect(LoyaltyLedger.replay(events) == LoyaltyLedger.replay(scrambled))
        }
    }

    @Test func ofTwoConcurrentRedemptionsThatTogetherOverdrawTheLaterStampIsDeclined() {
        let add = LoyaltyLedger.Event(stamp: FieldStamp(hlc: HLC(milliseconds: 1, counter: 0), origin: Self.origins[0]), kind: .add, points: 100)
        let north = LoyaltyLedger.Event(stamp: FieldStamp(hlc: HLC(milliseconds: 5, counter: 0), origin: Self.origins[0]), kind: .redeem, points: 80)
        let south = LoyaltyLedger.Event(stamp: FieldStamp(hlc: HLC(milliseconds: 5, counter: 0), origin: Self.origins[1]), kind: .redeem, points: 50)
        let outcome = LoyaltyLedger.replay([south, add, north])
        #expect(outcome.balance == 20)
        #expect(outcome.declined == [south.stamp])  // same HLC: "south" sorts after "north"
    }
}
