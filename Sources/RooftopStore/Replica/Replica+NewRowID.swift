import GRDB
import RooftopModel
import RooftopReplication

extension Replica {
    /// A new UUIDv7 for a row created here.
    public func newRowID() -> RowID { RowID.v7(milliseconds: wallClock.nowMilliseconds()) }
}
