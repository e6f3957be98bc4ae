/// The version of one field write: its HLC and the rooftop that wrote it.
///
/// Stamps are totally ordered by `(hlc, origin)`: two writes never tie unless they are the
/// same write. This order decides every LWW register. See `sync-protocol/merge-rules.md#lww-register`.
public struct FieldStamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let hlc: HLC
    public let origin: RooftopID

    public init(hlc: HLC, origin: RooftopID) {
        self.hlc = hlc
        self.origin = origin
    }

    public static func < (lhs: FieldStamp, rhs: FieldStamp) -> Bool {
        if lhs.hlc != rhs.hlc { return lhs.hlc < rhs.hlc }
        return lhs.origin < rhs.origin
    }

    public var description: String { "\(hlc)@\(origin)" }
}
