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

extension Replica {
    /// ``CRMService/createCustomer(_:id:)`` in one line, for tests and the simulation.
    @discardableResult
    public func createCustomer(_ input: CustomerInput, id: RowID? = nil) throws -> RowID {
        try CRMService(replica: self).createCustomer(input, id: id)
    }

    /// ``CRMService/updateCustomer(id:_:ifMatch:replacingChildren:)`` in one line, for tests and the simulation.
    @discardableResult
    public func updateCustomer(id: RowID, _ input: CustomerInput, ifMatch entityTags: [String]? = nil, replacingChildren: Bool = false) throws -> Int {
        try CRMService(replica: self).updateCustomer(id: id, input, ifMatch: entityTags, replacingChildren: replacingChildren)
    }
}
