import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// A customer's vehicle link: the vehicle must exist here.
struct CustomerVehicleRules: EntityRules {
    var entity: EntitySchema { CRMSchema.customerVehicle }

    func prepareCreate(_ fields: inout [String: FieldValue], id: RowID, _ tx: StoreTransaction) throws -> [LocalWrite] {
        if case .text(let text) = fields["vehicleId"] ?? .null, let vehicle = RowID(text), try tx.row(CRMSchema.vehicle, id: vehicle) == nil {
            throw FieldInputError(pointer: "/vehicleId", reason: try tx.absence(CRMSchema.vehicle, id: vehicle).message)
        }
        if (fields["status"] ?? .null).isNull { fields["status"] = .text("Active") }
        return []
    }

    func prepareUpdate(_ changes: inout [String: FieldValue], current: StoredRow, _ tx: StoreTransaction) throws -> [LocalWrite] {
        if case .text(let text) = changes["vehicleId"] ?? .null, let vehicle = RowID(text), try tx.row(CRMSchema.vehicle, id: vehicle) == nil {
            throw FieldInputError(pointer: "/vehicleId", reason: try tx.absence(CRMSchema.vehicle, id: vehicle).message)
        }
        return []
    }
}
