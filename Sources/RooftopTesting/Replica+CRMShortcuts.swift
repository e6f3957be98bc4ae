import RooftopCRM
import RooftopModel
import RooftopStore

extension Replica {
    /// Records an interaction through the CRM service (``CRMService/create(_:fields:id:)``): what the
    /// REST API and the CLI do, in one line for tests and the simulation.
    /// - Returns: the interaction's id.
    @discardableResult
    public func addInteraction(_ fields: [String: FieldValue], id: RowID? = nil) throws -> RowID {
        try CRMService(replica: self).create(CRMSchema.customerInteraction, fields: fields, id: id).row.id
    }
}
