/** The request and response shapes of the Search API; they validate requests and document them. */
import { z } from 'zod';

const tagList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v]).flatMap((t) => t.split(',')).map((t) => t.trim().toLowerCase()),
  )
  .pipe(z.array(z.string().min(1).max(50)).max(20));

export const SearchQuery = z
  .strictObject({
    q: z.string().trim().min(1).max(500).optional().meta({
      description:
        'Words to find in title, tags and text, all required; "quoted phrases", -excluded, prefix*, a | b. Without it, the newest documents first.',
    }),
    tags: tagList.optional().meta({ description: 'Only documents with every one of these tags' }),
    owner: z.string().min(1).max(200).optional(),
    from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Updated at or after' }),
    to: z.iso.datetime({ offset: true }).optional().meta({ description: 'Updated before' }),
    limit: z.coerce.number().int().min(1).max(50).default(10),
    cursor: z.string().max(500).optional(),
  })
  .refine((s) => !s.from || !s.to || Date.parse(s.from) < Date.parse(s.to), {
    path: ['to'],
    message: 'must be after from',
  });
export type SearchParams = z.output<typeof SearchQuery>;

export const SearchResult = z
  .object({
    id: z.string(),
    title: z.string(),
    tags: z.array(z.string()),
    ownerId: z.string(),
    contentType: z.string(),
    size: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
    score: z.number().optional(),
    highlights: z
      .record(z.string(), z.array(z.string()))
      .meta({ description: 'Matching fragments by field, the matches marked with <mark>' }),
  })
  .meta({ id: 'SearchResult' });

export const SearchPage = z
  .object({ items: z.array(SearchResult), nextCursor: z.string().optional() })
  .meta({ id: 'SearchPage' });
