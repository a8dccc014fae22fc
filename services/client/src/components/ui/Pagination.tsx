interface PaginationProps {
  page: number;
  pages: number;
  onChange: (page: number) => void;
}

/** Page numbers to show: the first, the last, and two either side of the current one. */
function visiblePages(page: number, pages: number): (number | 'gap')[] {
  const shown: (number | 'gap')[] = [];
  for (let candidate = 1; candidate <= pages; candidate++) {
    if (candidate === 1 || candidate === pages || Math.abs(candidate - page) <= 2) shown.push(candidate);
    else if (shown[shown.length - 1] !== 'gap') shown.push('gap');
  }
  return shown;
}

export function Pagination({ page, pages, onChange }: PaginationProps) {
  if (pages <= 1) return null;
  return (
    <nav className="pagination is-centered" aria-label="Pagination">
      <button type="button" className="pagination-previous" disabled={page <= 1} onClick={() => onChange(page - 1)}>
        Previous
      </button>
      <button type="button" className="pagination-next" disabled={page >= pages} onClick={() => onChange(page + 1)}>
        Next
      </button>
      <ul className="pagination-list">
        {visiblePages(page, pages).map((item, index) =>
          item === 'gap' ? (
            <li key={`gap-${index}`}>
              <span className="pagination-ellipsis">&hellip;</span>
            </li>
          ) : (
            <li key={item}>
              <button
                type="button"
                className={`pagination-link${item === page ? ' is-current' : ''}`}
                aria-label={`Page ${item}`}
                aria-current={item === page ? 'page' : undefined}
                onClick={() => onChange(item)}
              >
                {item}
              </button>
            </li>
          ),
        )}
      </ul>
    </nav>
  );
}
