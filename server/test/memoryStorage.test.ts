import { MemoryStorage } from '../src/storage/memoryStorage.ts';
import { describeEveryStoreContract } from './contracts/everyStore.ts';

describeEveryStoreContract('MemoryStorage', async () => ({ stores: new MemoryStorage() }));
