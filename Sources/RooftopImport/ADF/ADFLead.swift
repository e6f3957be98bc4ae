/// One `<prospect>` of an ADF 1.0 document, read and normalised.
///
/// Source: "ADF — Auto-lead Data Format, version 1.0" (STAR), the XML that dealership lead
/// providers send by e-mail or HTTP POST.
public struct ADFLead: Sendable, Equatable {
    /// `status` of the prospect: `new` (default) or `resend`.
    public var status: String
    /// `<requestdate>`, normalised to UTC `YYYY-MM-DDTHH:MM:SS.sssZ`.
    public var requestDate: String
    /// `<id source=...>` of the prospect, when given (`ExampleCars Marketplace:EC-2026-000117`).
    public var leadID: String?
    public var contact: Contact
    /// `<customer><comments>` and `<timeframe><description>`.
    public var comments: [String]
    /// Vehicles the customer wants (`interest` buy, lease, test-drive or absent).
    public var vehiclesOfInterest: [Vehicle]
    /// Vehicles the customer owns and offers (`interest` trade-in or sell).
    public var ownedVehicles: [Vehicle]
    /// `<vendor><vendorname>`: the dealership the lead is for.
    public var vendorName: String?
    /// `<provider><name>`: who sent the lead.
    public var providerName: String?

    public struct Contact: Sendable, Equatable {
        public var firstName: String?
        public var lastName: String?
        public var businessName: String?
        /// Normalised (trimmed, lower case).
        public var email: String?
        public var phones: [Phone]
        public var address: Address?
        /// `Email` or `Phone` when a `preferredcontact="1"` marks one.
        public var preferredMethod: String?
    }

    public struct Phone: Sendable, Equatable {
        /// The design document's phone type: Mobile, Home, Work or Other.
        public var type: String
        /// E.164.
        public var number: String
    }

    public struct Address: Sendable, Equatable {
        /// Home, Work, Billing or Shipping.
        public var type: String?
        public var street: String?
        public var city: String?
        public var state: String?
        public var postalCode: String?
        public var country: String?
    }

    public struct Vehicle: Sendable, Equatable {
        /// `interest` as sent (buy, lease, test-drive, trade-in, sell), lower case.
        public var interest: String
        /// New or Used.
        public var condition: String?
        public var year: Int64?
        public var make: String?
        public var model: String?
        public var trim: String?
        /// Upper case, 17 characters.
        public var vin: String?
        public var odometer: Int64?
        /// mi or km.
        public var odometerUnits: String?
        public var exteriorColor: String?
        public var interiorColor: String?
        public var comments: String?

        /// `2027 Honda CR-V Sport Hybrid`.
        public var title: String {
            [year.map(String.init), make, model, trim].compactMap { $0 }.joined(separator: " ")
        }
    }
}
