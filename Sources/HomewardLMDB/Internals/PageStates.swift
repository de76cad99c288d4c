/// One value per page of the file: an array when every page is audited, a dictionary when only a
/// few are (so that a cheap audit allocates nothing in proportion to the file).
struct PageStates<Value: FixedWidthInteger> {
    private var dense: [Value]
    private var sparse: [Int: Value] = [:]
    private let isDense: Bool

    init(count: Int, dense: Bool) {
        isDense = dense
        self.dense = dense ? [Value](repeating: 0, count: count) : []
    }

    subscript(index: Int) -> Value {
        get { isDense ? dense[index] : sparse[index, default: 0] }
        set {
            if isDense { dense[index] = newValue } else { sparse[index] = newValue }
        }
    }
}
