import Crypto
import RooftopModel

/// Ids derived from what a record is, so that importing it again finds it instead of copying it.
enum StableID {
    /// A UUIDv8 from SHA-256 of `key` (RFC 9562 §5.8).
    static func make(_ key: String) -> RowID {
        RowID.v8(digest: Array(SHA256.hash(data: Array(key.utf8))))
    }
}
