import Foundation

/// ISO 8601 dates and instants, stored as sortable UTC text.
public enum Timestamp {
    /// Formats Unix ms as `YYYY-MM-DDTHH:MM:SS.sssZ` (UTC).
    public static func string(milliseconds: UInt64) -> String {
        var t = time_t(Int64(milliseconds / 1000))
        var parts = tm()
        gmtime_r(&t, &parts)
        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, _ at: Int, _ width: Int) {
            var v = value
            for i in stride(from: at + width - 1, through: at, by: -1) {
                bytes[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, 0, 4); bytes[4] = UInt8(ascii: "-")
        put(Int(parts.tm_mon) + 1, 5, 2); bytes[7] = UInt8(ascii: "-")
        put(Int(parts.tm_mday), 8, 2); bytes[10] = UInt8(ascii: "T")
        put(Int(parts.tm_hour), 11, 2); bytes[13] = UInt8(ascii: ":")
        put(Int(parts.tm_min), 14, 2); bytes[16] = UInt8(ascii: ":")
        put(Int(parts.tm_sec), 17, 2); bytes[19] = UInt8(ascii: ".")
        put(Int(milliseconds % 1000), 20, 3); bytes[23] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Unix ms of an RFC 3339 instant; nil when it is not one.
    public static func milliseconds(_ input: String) -> UInt64? {
        // The stored form (every generated, imported and replicated instant) without a formatter:
        // ISO8601DateFormatter costs more than the row write it belongs to.
        if let canonical = canonicalMilliseconds(input) { return canonical >= 0 ? UInt64(canonical) : nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: input) ?? plain.date(from: input) else { return nil }
        let ms = (date.timeIntervalSince1970 * 1000).rounded()
        return ms >= 0 ? UInt64(ms) : nil
    }

    /// Parses an RFC 3339 instant (`2026-10-05T09:12:00-07:00`, `2026-10-05T16:12:00.5Z`) and
    /// returns it normalised to UTC with milliseconds; nil when it is not one.
    public static func normaliseDateTime(_ input: String) -> String? {
        if let canonical = canonicalMilliseconds(input) { return canonical >= 0 ? input : nil }
        let text = input.trimmingCharacters(in: .whitespaces)
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        // The formatter rolls impossible days over (Feb 30 → Mar 2): check the calendar date first.
        guard text.count >= 10, normaliseDate(String(text.prefix(10))) != nil,
            let date = withFraction.date(from: text) ?? plain.date(from: text)
        else { return nil }
        let ms = (date.timeIntervalSince1970 * 1000).rounded()
        guard ms >= 0 else { return nil }
        return string(milliseconds: UInt64(ms))
    }

    /// Unix ms (negative before 1970) of the stored form `YYYY-MM-DDTHH:MM:SS.sssZ`; nil for any
    /// other text. Days from the civil date by H. Hinnant's `days_from_civil` (proleptic Gregorian).
    static func canonicalMilliseconds(_ text: String) -> Int64? {
        guard isCanonicalDateTime(text) else { return nil }
        var text = text
        return text.withUTF8 { b in
            func number(_ range: Range<Int>) -> Int64 { b[range].reduce(0) { $0 * 10 + Int64($1 - 0x30) } }
            let m = number(5..<7), d = number(8..<10)
            let y = number(0..<4) - (m <= 2 ? 1 : 0)
            let era = (y >= 0 ? y : y - 399) / 400
            let yoe = y - era * 400
            let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            let days = era * 146_097 + doe - 719_468
            let seconds = days * 86_400 + number(11..<13) * 3_600 + number(14..<16) * 60 + number(17..<19)
            return seconds * 1_000 + number(20..<23)
        }
    }

    /// True for the stored form `YYYY-MM-DDTHH:MM:SS.sssZ` with a valid date and time.
    public static func isCanonicalDateTime(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { b in
            guard b.count == 24, b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
                b[19] == UInt8(ascii: "."), b[23] == UInt8(ascii: "Z"), isCanonicalDate(b[0..<10])
            else { return false }
            func number(_ range: Range<Int>) -> Int? {
                guard b[range].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
                return b[range].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            }
            guard let h = number(11..<13), let m = number(14..<16), let s = number(17..<19), number(20..<23) != nil else { return false }
            return h < 24 && m < 60 && s < 60
        }
    }

    /// True for the stored form of a date, `YYYY-MM-DD` with a valid calendar day (what
    /// ``normaliseDate(_:)`` returns unchanged), checked without allocating.
    public static func isCanonicalDate(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isCanonicalDate($0[...]) }
    }

    static func isCanonicalDate<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool where Bytes.Index == Int {
        guard bytes.count == 10 else { return false }
        let b = bytes.startIndex
        func digits(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for i in (b + from)..<(b + from + count) {
                let d = bytes[i]
                guard d >= 0x30, d <= 0x39 else { return nil }
                value = value * 10 + Int(d - 0x30)
            }
            return value
        }
        guard bytes[b + 4] == UInt8(ascii: "-"), bytes[b + 7] == UInt8(ascii: "-"),
            let y = digits(0, 4), let m = digits(5, 2), let d = digits(8, 2), (1...12).contains(m), d >= 1
        else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        return d <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }

    /// Checks a calendar date `YYYY-MM-DD` (ISO 8601) and returns it; nil when invalid
    /// (wrong shape, month 13, February 30).
    public static func normaliseDate(_ input: String) -> String? {
        let text = input.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1
        else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        guard d <= days else { return nil }
        return text
    }
}
