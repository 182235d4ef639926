import { Skeleton } from "@/components/ui/skeleton";
import { PageBody } from "@/components/shell/page-header";

/** Shown while a page's server component loads. */
export default function Loading() {
  return (
    <div className="flex flex-col" aria-busy>
      <div className="flex flex-col gap-2 px-6 pt-6 pb-6 lg:px-8">
        <Skeleton className="h-7 w-48" />
        <Skeleton className="h-4 w-full max-w-xl" />
      </div>
      <PageBody className="flex flex-col gap-3">
        <Skeleton className="h-10 w-full" />
        <Skeleton className="h-64 w-full rounded-xl" />
      </PageBody>
    </div>
  );
}
