import PropertyBased
import RooftopReplication
import Testing

@Suite struct HybridLogicalClockTests {
    @Test func layoutIs48BitMillisecondsThen16BitCounter() {
        let stamp = HLC(milliseconds: 1_796_083_200_000, counter: 7)
        #expect(stamp.rawValue == 1_796_083_200_000 << 16 | 7)
        #expect(stamp.milliseconds == 1_796_083_200_000)
        #expect(stamp.counter == 7)
        #expect(HLC(milliseconds: 5, counter: 0) > HLC(milliseconds: 4, counter: 65_535))
    }

    @Test func tickFollowsWallTimeWhenItMovesForward() {
        var clock = HybridLogicalClock()
        #expect(clock.tick(wallMilliseconds: 1_000) == HLC(milliseconds: 1_000, counter: 0))
        #expect(clock.tick(wallMilliseconds: 2_000) == HLC(milliseconds: 2_000, counter: 0))
    }

    @Test func tickCountsWhenWallTimeStandsStillOrGoesBack() {
        var clock = HybridLogicalClock(last: HLC(milliseconds: 5_000, counter: 3))
        #expect(clock.tick(wallMilliseconds: 5_000) == HLC(milliseconds: 5_000, counter: 4))
        #expect(clock.tick(wallMilliseconds: 1_000) == HLC(milliseconds: 5_000, counter: 5))
    }

    @Test func counterOverflowAdvancesTheMillisecond() {
        var clock = HybridLogicalClock(last: HLC(milliseconds: 5_000, counter: .max))
        #expect(clock.tick(wallMilliseconds: 5_000) == HLC(milliseconds: 5_001, counter: 0))
    }

    @Test func ticksAreStrictlyIncreasingWhateverTheWallClockDoes() async {
        await propertyCheck(input: Gen.int(in: -3_000...3_000).array(of: 1...200)) { steps in
            var clock = HybridLogicalClock()
            var wall: Int64 = 1_796_083_200_000
            var previous = HLC.zero
            for step in steps {
                wall += Int64(step)
                let stamp = clock.tick(wallMilliseconds: UInt64(wall))
                #expect(stamp > previous)
                previous = stamp
            }
        }
    }

    @Test func receiveMovesPastBothTheLocalAndTheRemoteStamp() throws {
        var clock = HybridLogicalClock(last: HLC(milliseconds: 1_000, counter: 2))
        let remote = HLC(milliseconds: 1_100, counter: 9)
        let merged = try clock.receive(remote, wallMilliseconds: 1_050)
        #expect(merged == HLC(milliseconds: 1_100, counter: 10))
        #expect(clock.tick(wallMilliseconds: 1_050) > remote)
    }

    /// Failed before: a receive folded a wall clock years ahead into the persisted HLC.
    @Test func receiveNeverCarriesTheLocalWallClockIntoTheHLC() throws {
        var clock = HybridLogicalClock(last: HLC(milliseconds: 1_000, counter: 2))
        let yearsAhead: UInt64 = 1_000 + 3 * 365 * 86_400_000
        #expect(try clock.receive(HLC(milliseconds: 1_100, counter: 9), wallMilliseconds: yearsAhead) == HLC(milliseconds: 1_100, counter: 10))
        #expect(try clock.receive(HLC(milliseconds: 900, counter: 0), wallMilliseconds: yearsAhead) == HLC(milliseconds: 1_100, counter: 11))
    }

    @Test func receiveWithEqualPhysicalPartsTakesTheLargerCounterPlusOne() throws {
        var clock = HybridLogicalClock(last: HLC(milliseconds: 1_000, counter: 2))
        #expect(try clock.receive(HLC(milliseconds: 1_000, counter: 8), wallMilliseconds: 900) == HLC(milliseconds: 1_000, counter: 9))
    }

    @Test func receivedStampBeyondMaxDriftIsRefusedWithItsOffsetAndLeavesTheClockUnchanged() {
        var clock = HybridLogicalClock(last: HLC(milliseconds: 1_000_000, counter: 0), maxDriftMilliseconds: 300_000)
        let before = clock
        let remote = HLC(milliseconds: 1_000_000 + 300_001, counter: 0)
        #expect(throws: ClockSkewError(remote: remote, offsetMilliseconds: 300_001, maxDriftMilliseconds: 300_000)) {
            try clock.receive(remote, wallMilliseconds: 1_000_000)
        }
        #expect(clock == before)
        #expect(ClockSkewError.code == "CLOCK_SKEW")
    }

    @Test func stampExactlyAtMaxDriftIsAccepted() throws {
        var clock = HybridLogicalClock(maxDriftMilliseconds: 300_000)
        let remote = HLC(milliseconds: 1_300_000, counter: 0)
        #expect(try clock.receive(remote, wallMilliseconds: 1_000_000) > remote)
    }

    @Test func monotonicAcrossRestartWhenTheWallClockWentBack() {
        var first = HybridLogicalClock()
        let beforeRestart = first.tick(wallMilliseconds: 2_000_000_000)
        // Persisted `last` is restored; the machine's clock is now an hour behind.
        var restarted = HybridLogicalClock(last: first.last)
        #expect(restarted.tick(wallMilliseconds: 2_000_000_000 - 3_600_000) > beforeRestart)
    }
}
