/**
 * A binary min-heap ordered by (priority, seq) that also removes an arbitrary entry in O(log n):
 * an aborted or timed-out waiter must leave the queue at once, not linger until it reaches the
 * head. Each entry remembers its own index, so removal needs no search.
 */
export interface HeapEntry {
  readonly priority: number;
  /** Enqueue order; breaks ties so equal priorities are served FIFO. */
  readonly seq: number;
  /** Maintained by the heap; -1 when not in a heap. */
  heapIndex: number;
}

function before(a: HeapEntry, b: HeapEntry): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
}

export class WaiterHeap<T extends HeapEntry> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(entry: T): void {
    entry.heapIndex = this.items.length;
    this.items.push(entry);
    this.siftUp(entry.heapIndex);
  }

  pop(): T | undefined {
    const head = this.items[0];
    if (head !== undefined) this.remove(head);
    return head;
  }

  /** Removes `entry` if it is in this heap; returns whether it was. */
  remove(entry: T): boolean {
    const i = entry.heapIndex;
    if (i < 0 || this.items[i] !== entry) return false;
    const last = this.items.pop() as T;
    entry.heapIndex = -1;
    if (last !== entry) {
      this.items[i] = last;
      last.heapIndex = i;
      this.siftUp(i);
      this.siftDown(last.heapIndex);
    }
    return true;
  }

  /** Empties the heap, returning the entries in no particular order. */
  drain(): T[] {
    const all = this.items.splice(0, this.items.length);
    for (const e of all) e.heapIndex = -1;
    return all;
  }

  private siftUp(start: number): void {
    let i = start;
    const entry = this.items[i] as T;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = this.items[parentIndex] as T;
      if (!before(entry, parent)) break;
      this.items[i] = parent;
      parent.heapIndex = i;
      i = parentIndex;
    }
    this.items[i] = entry;
    entry.heapIndex = i;
  }

  private siftDown(start: number): void {
    let i = start;
    const n = this.items.length;
    const entry = this.items[i] as T;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(this.items[right] as T, this.items[left] as T)) child = right;
      const childEntry = this.items[child] as T;
      if (!before(childEntry, entry)) break;
      this.items[i] = childEntry;
      childEntry.heapIndex = i;
      i = child;
    }
    this.items[i] = entry;
    entry.heapIndex = i;
  }
}
