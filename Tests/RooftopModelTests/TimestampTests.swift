import Foundation
import RooftopModel
import Testing

@Suite("Timestamp")
struct TimestampTests {
    @Test(arguments: [
        ("2026-10-05T09:12:00-07:00", "2026-10-05T16:12:00.000Z"),
        ("2026-10-03T18:46:36-05:00", "2026-10-03T23:46:36.000Z"),
        ("2026-10-06T14:02:11Z", "2026-10-06T14:02:11.000Z"),
        ("2026-10-05T16:12:00.5Z", "2026-10-05T16:12:00.500Z"),
        ("2026-10-05T16:12:00.123Z", "2026-10-05T16:12:00.123Z"),
        ("2026-10-05T09:12:00+14:00", "2026-10-04T19:12:00.000Z"),  // offset crosses the date line
        ("2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00.000Z"),  // and the year
        ("2024-02-29T12:00:00+05:30", "2024-02-29T06:30:00.000Z"),  // leap day, half-hour offset
        ("2024-03-01T01:00:00+02:00", "2024-02-29T23:00:00.000Z"),  // back onto a leap day
        ("2023-03-01T01:00:00+02:00", "2023-02-28T23:00:00.000Z"),  // back onto Feb 28 in a common year
        (" 2026-10-05T16:12:00Z ", "2026-10-05T16:12:00.000Z"),
    ])
    func rfc3339InstantsWithOffsetsNormaliseToUTCMilliseconds(input: String, expected: String) {
        #expect(Timestamp.normaliseDateTime(input) == expected)
    }

    @Test(arguments: [
        "",
        "not-a-date",
        "2026-10-05",  // a date is not an instant
        "2026-10-05T16:12:00",  // no offset: local time of an unknown zone
        "2026-10-05 16:12:00",
        "2026-13-01T00:00:00Z",
        "2026-10-05T25:00:00Z",
        "2026-10-05T10:61:00Z",
        "05/10/2026 16:12",
    ])
    func textThatIsNotAnInstantWithOffsetIsRejected(input: String) {
        #expect(Timestamp.normaliseDateTime(input) == nil)
    }

    /// These are not calendar dates; today they are rolled over to the next month
    /// (2023-02-29 → 2023-03-01, 2026-04-31 → 2026-05-01) instead of being rejected.
    @Test(arguments: ["2023-02-29T12:00:00Z", "2026-04-31T10:00:00Z", "2026-02-30T00:00:00-05:00"])
    func instantOnADayThatDoesNotExistIsRejected(input: String) {
        #expect(Timestamp.normaliseDateTime(input) == nil)
    }

    @Test(arguments: [
        (UInt64(0), "1970-01-01T00:00:00.000Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (1_796_083_200_123, "2026-12-01T00:00:00.123Z"),
        (1_796_083_199_999, "2026-11-30T23:59:59.999Z"),
    ])
    func millisecondsFormatAsUTCText(milliseconds: UInt64, expected: String) {
        #expect(Timestamp.string(milliseconds: milliseconds) == expected)
    }

    @Test func textOrderIsTimeOrder() {
        let instants: [UInt64] = [
            0, 999, 1_000, 59_999, 951_782_400_000, 1_796_083_199_999, 1_796_083_200_000, 4_102_444_800_000,
        ]
        let texts = instants.map(Timestamp.string(milliseconds:))
        #expect(texts == texts.sorted())
        #expect(Set(texts).count == instants.count)
    }

    @Test func normalisedInstantIsAFixedPoint() {
        let once = Timestamp.normaliseDateTime("2026-10-05T09:12:00.250-07:00")
        #expect(once == "2026-10-05T16:12:00.250Z")
        #expect(once.flatMap(Timestamp.normaliseDateTime) == once)
    }

    @Test(arguments: [
        "2024-02-29",  // divisible by 4
        "2000-02-29",  // divisible by 400
        "2023-02-28",
        "2026-12-31",
        "2026-04-30",
        "1999-02-19",
    ])
    func calendarDatesAreAccepted(input: String) {
        #expect(Timestamp.normaliseDate(input) == input)
    }

    @Test(arguments: [
        "2023-02-29",  // not a leap year
        "1900-02-29",  // divisible by 100, not by 400
        "2024-02-30",
        "2026-04-31",
        "2026-13-01",
        "2026-00-10",
        "2026-01-00",
        "2026-1-05",
        "26-01-05",
        "20260105",
        "2026/01/05",
        "2026-01-05T00:00:00Z",
        "",
    ])
    func impossibleOrMisshapenDatesAreRejected(input: String) {
        #expect(Timestamp.normaliseDate(input) == nil)
    }

    @Test func surroundingSpaceIsTrimmedFromADate() {
        #expect(Timestamp.normaliseDate(" 2024-02-29 ") == "2024-02-29")
    }

    @Test(arguments: ["2024-+1-05", "2024-01-+5", "+202-01-05"])
    func datePartsWithASignAreRejected(input: String) {
        #expect(Timestamp.normaliseDate(input) == nil)
    }
}

@Suite struct TimestampFastPathTests {
    /// The stored form is parsed without a formatter; it must give Foundation's answer for every
    /// instant, leap days and the turn of centuries included (random instants from 1970 to 2199).
    @Test func storedFormParsesAsFoundationDoes() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var instants: [UInt64] = [0, 951_782_400_000, 4_107_542_400_000, 1_709_164_800_123, 7_258_118_399_999]
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            instants.append((state >> 20) % 7_258_118_400_000)
        }
        for ms in instants {
            let text = Timestamp.string(milliseconds: ms)
            let foundation = formatter.date(from: text).map { UInt64(($0.timeIntervalSince1970 * 1000).rounded()) }
            #expect(Timestamp.milliseconds(text) == ms, "\(text)")
            #expect(foundation == ms, "\(text)")
            #expect(Timestamp.normaliseDateTime(text) == text)
        }
        #expect(Timestamp.milliseconds("1969-12-31T23:59:59.999Z") == nil)
        #expect(Timestamp.normaliseDateTime("1969-12-31T23:59:59.999Z") == nil)
    }
}
