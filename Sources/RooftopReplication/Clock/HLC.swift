/// A hybrid logical clock timestamp: 48 bits of Unix milliseconds and a 16-bit logical counter.
///
/// The raw value is `(milliseconds << 16) | counter`, so comparing raw values compares
/// timestamps. Writes are totally ordered by `(HLC, rooftop id)`; see ``FieldStamp``.
///
/// Source: S. Kulkarni, M. Demirbas et al., "Logical Physical Clocks and Consistent Snapshots
/// in Globally Distributed Databases" (OPODIS 2014). Specified in `sync-protocol/hlc.md`.
public struct HLC: RawRepresentable, Comparable, Hashable, Sendable, CustomStringConvertible {
    /// `(milliseconds << 16) | counter`.
    public let rawValue: UInt64

    /// The largest representable wall time, in Unix milliseconds (2^48 − 1, year 10889).
    public static let maxMilliseconds: UInt64 = (1 << 48) - 1

    /// The zero timestamp; no write carries it.
    public static let zero = HLC(rawValue: 0)

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// - Parameters:
    ///   - milliseconds: Unix time in ms; only the low 48 bits are kept.
    ///   - counter: the logical counter.
    public init(milliseconds: UInt64, counter: UInt16) {
        self.rawValue = (milliseconds & HLC.maxMilliseconds) << 16 | UInt64(counter)
    }

    /// The physical part, in Unix milliseconds.
    public var milliseconds: UInt64 { rawValue >> 16 }

    /// The logical part.
    public var counter: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    public static func < (lhs: HLC, rhs: HLC) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `milliseconds.counter`, for example `1764472800000.3`.
    public var description: String { "\(milliseconds).\(counter)" }
}
